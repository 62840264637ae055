"""Fitting a scenario to a tidy call log: demand by hour of the week, places, time on scene."""
