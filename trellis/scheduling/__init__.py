"""Weekly scheduling: the pure solver lives in `trellis.scheduling.solver`."""
