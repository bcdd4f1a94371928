//! Class 4 of issue 14, grids that do not match their header (filled in below).
