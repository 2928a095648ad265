//! The node id index: id to node number, for loaders resolving edges.
//!
//! Why not a `HashMap<id, u32>`: at a million nodes, resolving the three
//! million edge ends of a generated estate was a quarter of the JSON load,
//! each lookup two cache misses (the table's control bytes, then the bucket
//! with the key) that came one after the other, because a map's lookup
//! is one call that hashes, probes and compares before the next can
//! start. This table splits a lookup into steps and [`NodeIndex::get_many`]
//! runs each step over a whole batch of ids: one loop hashes them, one
//! reads their slots, one compares the ids. Each loop's body is small and
//! its iterations independent, so the processor has many misses in flight
//! at once instead of one. It is also smaller: a slot is 8 bytes (a tag of
//! the hash and the node number; the id stays in the node), 16 MB at a
//! million nodes against the map's 64 MB.
//!
//! Open addressing with linear probing, at most half full. The hash is
//! foldhash seeded per process, so a hostile topology cannot choose ids
//! that collide.

use std::hash::BuildHasher;

use super::Node;

/// A slot: the upper half of the id's hash, and the node's number
/// ([`EMPTY`] for none).
#[derive(Clone, Copy, Debug)]
struct Slot {
    tag: u32,
    ix: u32,
}

const EMPTY: u32 = u32::MAX;

/// Node id to node number; the ids live in the nodes.
#[derive(Clone)]
pub(crate) struct NodeIndex {
    slots: Vec<Slot>,
    len: usize,
    hasher: foldhash::fast::RandomState,
}

impl std::fmt::Debug for NodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeIndex").field("len", &self.len).finish()
    }
}

impl NodeIndex {
    /// An index of `nodes` (the first of two with one id wins).
    pub fn of(nodes: &[Node]) -> Self {
        let mut index = NodeIndex {
            slots: Vec::new(),
            len: 0,
            hasher: foldhash::fast::RandomState::default(),
        };
        index.grow_to(nodes, nodes.len());
        for (ix, node) in nodes.iter().enumerate() {
            let _ = index.insert(nodes, node.id.as_str(), ix as u32);
        }
        index
    }

    /// An index of `nodes` built in one go, and each node whose id an
    /// earlier node has, with that earlier node's number, in node order.
    ///
    /// Inserting a million ids one by one writes a million random slots of
    /// a 16 MB table, each a cache miss, and grows the table on the way.
    /// Here the table is sized once, and the ids are inserted in the order
    /// of their home slots, so the writes go through the table front to
    /// back: one pass over the nodes to hash, a sort of 12-byte records,
    /// one pass over the table. Two equal ids have equal hashes, so they
    /// meet while probing, and the earlier node is inserted first.
    pub fn build(nodes: &[Node]) -> (Self, Vec<(u32, u32)>) {
        let mut index = NodeIndex {
            slots: Vec::new(),
            len: 0,
            hasher: foldhash::fast::RandomState::default(),
        };
        index.slots =
            vec![Slot { tag: 0, ix: EMPTY }; (nodes.len().max(8) * 2).next_power_of_two()];
        let mask = index.mask();
        let mut order: Vec<(u64, u32)> = nodes
            .iter()
            .enumerate()
            .map(|(ix, node)| {
                let h = index.hash(node.id.as_str());
                // Home slot, then node number: equal homes keep file order.
                (
                    ((h as usize & mask) as u64) << 32 | ix as u64,
                    (h >> 32) as u32,
                )
            })
            .collect();
        order.sort_unstable_by_key(|&(key, _)| key);
        let mut dups = Vec::new();
        for (key, tag) in order {
            let (home, ix) = ((key >> 32) as usize, key as u32);
            let mut at = home;
            loop {
                let slot = index.slots[at];
                if slot.ix == EMPTY {
                    index.slots[at] = Slot { tag, ix };
                    index.len += 1;
                    break;
                }
                if slot.tag == tag && nodes[slot.ix as usize].id == nodes[ix as usize].id {
                    dups.push((ix, slot.ix));
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        dups.sort_unstable();
        (index, dups)
    }

    pub(super) fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Makes room for `len` ids, at most half full.
    fn grow_to(&mut self, nodes: &[Node], len: usize) {
        let want = (len.max(8) * 2).next_power_of_two();
        if want <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot { tag: 0, ix: EMPTY }; want]);
        for slot in old.into_iter().filter(|s| s.ix != EMPTY) {
            let h = self.hash(nodes[slot.ix as usize].id.as_str());
            let mut at = h as usize & self.mask();
            while self.slots[at].ix != EMPTY {
                at = (at + 1) & self.mask();
            }
            self.slots[at] = slot;
        }
    }

    /// Records `id` as node `ix` (`nodes[ix]` need not exist yet), unless
    /// a node has it already: then that node's number is the error.
    pub fn insert(&mut self, nodes: &[Node], id: &str, ix: u32) -> Result<(), u32> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow_to(nodes, (self.len + 1) * 2);
        }
        let h = self.hash(id);
        let tag = (h >> 32) as u32;
        let mut at = h as usize & self.mask();
        loop {
            let slot = self.slots[at];
            if slot.ix == EMPTY {
                self.slots[at] = Slot { tag, ix };
                self.len += 1;
                return Ok(());
            }
            if slot.tag == tag && nodes[slot.ix as usize].id == id {
                return Err(slot.ix);
            }
            at = (at + 1) & self.mask();
        }
    }

    /// The number of the node with this id.
    pub fn get(&self, nodes: &[Node], id: &str) -> Option<u32> {
        let h = self.hash(id);
        self.probe(nodes, id, h as usize & self.mask(), (h >> 32) as u32)
    }

    fn probe(&self, nodes: &[Node], id: &str, mut at: usize, tag: u32) -> Option<u32> {
        loop {
            let slot = self.slots[at];
            if slot.ix == EMPTY {
                return None;
            }
            if slot.tag == tag && nodes[slot.ix as usize].id == id {
                return Some(slot.ix);
            }
            at = (at + 1) & self.mask();
        }
    }

    /// [`NodeIndex::get`] for each of `ids`, into `out` (cleared first), a
    /// step at a time over the batch (see the module docs).
    pub fn get_many<'a>(
        &self,
        nodes: &[Node],
        ids: impl Iterator<Item = &'a str> + Clone,
        out: &mut Vec<Option<u32>>,
    ) {
        out.clear();
        // Hash every id: no memory but the ids, read in order.
        let hashes: Vec<u64> = ids.clone().map(|id| self.hash(id)).collect();
        // Read every id's first slot: independent misses.
        let first: Vec<Slot> = hashes
            .iter()
            .map(|h| self.slots[*h as usize & self.mask()])
            .collect();
        // Compare with the node the slot names: independent misses again;
        // anything else (a collision, a probe past the first slot) takes
        // the one-by-one path.
        for ((id, h), slot) in ids.zip(&hashes).zip(&first) {
            let tag = (h >> 32) as u32;
            out.push(
                if slot.ix != EMPTY && slot.tag == tag && nodes[slot.ix as usize].id == id {
                    Some(slot.ix)
                } else if slot.ix == EMPTY {
                    None
                } else {
                    self.probe(nodes, id, *h as usize & self.mask(), tag)
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NodeIndex;
    use crate::source::Source;
    use crate::topology::{Node, Topology};

    fn nodes(ids: &[String]) -> Vec<Node> {
        let mut t = Topology::new(Source::new("t.yaml", String::new()));
        for id in ids {
            let _ = t.add_node(id, &[], 0..0);
        }
        t.nodes
    }

    /// Enough ids to grow the table several times; every id is found at
    /// its number, one by one and in a batch, and ids that are not there
    /// (some one byte off, some empty) are not.
    #[test]
    fn finds_every_id_and_nothing_else_one_by_one_and_in_batches() {
        let ids: Vec<String> = (0..5000).map(|i| format!("n{i}")).collect();
        let nodes = nodes(&ids);
        let index = NodeIndex::of(&nodes);
        for (ix, id) in ids.iter().enumerate() {
            assert_eq!(index.get(&nodes, id), Some(ix as u32), "{id}");
        }
        let mut asked: Vec<String> = ids.iter().rev().cloned().collect();
        asked.extend((0..2000).map(|i| format!("m{i}")));
        asked.extend(["".to_string(), "n".to_string(), "n49999".to_string()]);
        let mut found = Vec::new();
        index.get_many(&nodes, asked.iter().map(String::as_str), &mut found);
        assert_eq!(found.len(), asked.len());
        for (id, found) in asked.iter().zip(&found) {
            assert_eq!(*found, index.get(&nodes, id), "{id}");
            assert_eq!(
                *found,
                ids.iter().position(|i| i == id).map(|i| i as u32),
                "{id}"
            );
        }
    }

    /// Built at once, the index finds every id at its number, and each
    /// later copy of an id is paired with its first node, in node order,
    /// however the copies fall among the other ids.
    #[test]
    fn built_at_once_it_finds_every_id_and_pairs_each_copy_with_the_first() {
        let mut ids: Vec<String> = (0..4000).map(|i| format!("n{i}")).collect();
        // Three copies of n7 (the first at 7), two of n3999.
        ids.insert(100, "n7".into());
        ids.push("n3999".into());
        ids.push("n7".into());
        // `add_node` refuses a repeated id, so push them unindexed.
        let mut t = Topology::new(Source::new("t.yaml", String::new()));
        for id in &ids {
            t.push_node_unindexed(id, &mut [], 0..0);
        }
        let nodes = t.nodes;
        let (index, dups) = NodeIndex::build(&nodes);
        assert_eq!(dups, [(100, 7), (4001, 4000), (4002, 7)]);
        for i in 0..4000 {
            let id = format!("n{i}");
            let first = ids.iter().position(|x| *x == id).map(|p| p as u32);
            assert_eq!(index.get(&nodes, &id), first, "{id}");
        }
        assert_eq!(index.get(&nodes, "n4000"), None);
        let (_, none) = NodeIndex::build(&nodes[..50]);
        assert!(none.is_empty());
    }

    /// Inserting an id again gives the first node's number, however full
    /// the table is.
    #[test]
    fn a_second_insertion_of_an_id_names_the_first_node() {
        let ids: Vec<String> = (0..300).map(|i| format!("id-{i}")).collect();
        let nodes = nodes(&ids);
        let mut index = NodeIndex::of(&[]);
        for (ix, id) in ids.iter().enumerate() {
            assert_eq!(index.insert(&nodes, id, ix as u32), Ok(()));
        }
        for (ix, id) in ids.iter().enumerate() {
            assert_eq!(index.insert(&nodes, id, 999), Err(ix as u32));
        }
    }
}
