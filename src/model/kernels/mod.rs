//! The fast algorithms behind the rules. Each kernel sits beside its naive
//! reference (a function named `..._naive`, or the standard library's way),
//! which states what it computes and is its test oracle: the tests compare the
//! two, bit for bit. A rule calls the kernel, so that the rule's file reads like
//! the spec's text of its rule.
//!
//! Kernels know the state's types but no rule; no kernel imports another
//! module of the model that imports it back.

pub mod climb;
pub mod fork;
pub mod hamming;
pub mod par;
pub mod redundancy;
pub mod sort;
pub mod view;
pub mod water_fill;
