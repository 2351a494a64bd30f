//! Operators for child bodies (owned by the macro work).
