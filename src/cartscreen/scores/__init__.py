"""Pure calculators for the clinical instruments the trials cite. No I/O, no rendering."""
