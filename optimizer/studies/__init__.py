"""Studies of what the plan depends on: variants, sweeps, tornado, Monte Carlo, ranging."""
