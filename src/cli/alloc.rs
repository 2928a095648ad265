//! Running out of memory is an input problem with exit code 2, not a crash.
//!
//! Rust aborts the process (SIGABRT, exit 134) when an allocation fails,
//! and a CI log then shows a crash with no word about why. proviso's own
//! costs are linear in its input (docs/security.md), so an allocation
//! fails only when the input is larger than the memory the runner allows;
//! the user needs to hear that, and CI needs an input-error exit code.
//! This allocator is the system's, except that a failed allocation writes
//! one fixed line to stderr and ends the process with exit code 2. It uses
//! `libc` directly for that: nothing on the failure path may allocate or
//! take a lock that another thread could hold (std's stderr and
//! `process::exit` do both).

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, with exit code 2 instead of an abort when memory
/// runs out.
pub struct Allocator;

// SAFETY: every method forwards to `System` with the same arguments and
// returns its result; the only addition is a branch on a null result that
// never returns.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        checked(unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        checked(unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`; `ptr` and `layout` come from this allocator.
        checked(unsafe { System.realloc(ptr, layout, new_size) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

fn checked(ptr: *mut u8) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory();
    }
    ptr
}

/// Says why on stderr and ends the process with exit code 2, allocating
/// nothing and taking no lock.
fn out_of_memory() -> ! {
    const MESSAGE: &[u8] = b"error: out of memory: the input needs more memory than this process may use; raise the memory limit, or check fewer or smaller files (`--max-input-size` bounds each file)\n";
    // SAFETY: `write` and `_exit` are async-signal-safe system calls on a
    // static buffer; a failed write changes nothing, and `_exit` does not
    // return.
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(2)
    }
}
