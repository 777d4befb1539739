//! `flags validate`: every rule of PRODUCT.md section 3, located exactly.
