//! The Japanese layer: pure `&str` functions for normalization, the era calendar (和暦) and
//! addresses, shared by every action that reads Japanese values.

pub mod address;
pub mod identifiers;
pub mod normalize;
pub mod wareki;
