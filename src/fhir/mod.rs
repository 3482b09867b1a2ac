//! FHIR R4 / JP Core resources: the FHIRPath subset that addresses their elements and the
//! element-type table it needs.

pub mod path;
pub mod types;
