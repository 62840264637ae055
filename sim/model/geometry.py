"""Longitude/latitude to a flat kilometre grid centred on the city, for travel distances.

An equirectangular projection is accurate to well under 1% across a city, which is far inside
the uncertainty of any road-detour factor.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario.geography import KM_PER_DEGREE


class Projection:
    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = lon0
        self.lat0 = lat0
        self.kx = KM_PER_DEGREE * math.cos(math.radians(lat0))

    def to_km(self, lon, lat):
        return (np.asarray(lon) - self.lon0) * self.kx, (np.asarray(lat) - self.lat0) * KM_PER_DEGREE

    def to_lonlat(self, x_km, y_km):
        return np.asarray(x_km) / self.kx + self.lon0, np.asarray(y_km) / KM_PER_DEGREE + self.lat0
