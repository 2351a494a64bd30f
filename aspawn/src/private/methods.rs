//! Allowlisted pure methods for child bodies (owned by the macro work).
