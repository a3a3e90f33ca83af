//! The committed demo world: its directory, and the world and truth embedded in the library.

use std::path::{Path, PathBuf};

use crate::truth::GroundTruth;
use crate::world::{Compression, World};

/// The demo's backlink rows, embedded so an installed binary carries the demo.
const DEMO_BACKLINKS: &[u8] = include_bytes!("../demo/backlinks.jsonl.zst");
/// The demo's domain rows.
const DEMO_DOMAINS: &[u8] = include_bytes!("../demo/domains.jsonl.zst");
/// The demo's ground truth.
const DEMO_TRUTH: &str = include_str!("../demo/truth.json");

/// The directory of the committed demo world (`crates/linkgap-world/demo`) in the source tree.
pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo")
}

/// The demo world, decoded from the copy embedded in the library (no file access).
pub fn demo_world() -> World {
    let backlinks = World::parse_backlinks(
        DEMO_BACKLINKS,
        Compression::Zstd,
        Path::new("<embedded demo>/backlinks.jsonl.zst"),
    )
    .expect("the embedded demo world is valid (checked by a test)");
    let domains = World::parse_domains(
        DEMO_DOMAINS,
        Compression::Zstd,
        Path::new("<embedded demo>/domains.jsonl.zst"),
    )
    .expect("the embedded demo domains are valid (checked by a test)");
    World { backlinks, domains }
}

/// The demo world's ground truth, decoded from the copy embedded in the library.
pub fn demo_truth() -> GroundTruth {
    serde_json::from_str(DEMO_TRUTH).expect("the embedded demo truth is valid (checked by a test)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate;

    #[test]
    fn the_embedded_demo_equals_the_demo_directory() {
        let world = demo_world();
        assert_eq!(World::load(&demo_dir()).unwrap(), world);
        assert_eq!(GroundTruth::load(&demo_dir().join("truth.json")).unwrap(), demo_truth());
        assert!((2_000..=10_000).contains(&world.backlinks.len()), "{}", world.backlinks.len());
        assert!(DEMO_BACKLINKS.len() + DEMO_DOMAINS.len() <= 2 << 20);
    }

    #[test]
    fn the_demo_matches_a_regeneration_from_its_recorded_config() {
        let truth = demo_truth();
        let regenerated = generate(&truth.config);
        assert_eq!(regenerated.truth, truth);
        assert_eq!(regenerated.world, demo_world());
    }
}
