//! The `proviso` command: a thin layer over the library (see `cli`).

mod cli;

#[global_allocator]
static ALLOCATOR: cli::alloc::Allocator = cli::alloc::Allocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
