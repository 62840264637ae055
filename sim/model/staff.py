"""Where every inspector and assistant is and what they are doing, as flat arrays.

Positions and trips are Python lists: the model reads them one member at a time, millions of
times a year, and a list hands back the float it holds where a numpy array (even through a
memoryview) builds a new one each read. Who is free is kept in numpy arrays, so that picking
the free members of a district is one vectorised expression. A moving officer is a straight
line from (x0, y0) at t0 to (x1, y1) at t1; a resting one has t1 in the past.
"""

from __future__ import annotations

import numpy as np

from .city import ROLE_INSPECTOR, CityLayout

SMALL_GROUP = 16  # below this many candidates a Python loop beats numpy's call overhead


class Staff:
    def __init__(self, layout: CityLayout, assistants_take_field: bool) -> None:
        n = layout.n_staff
        self.n = n
        self.role = [m.role for m in layout.staff]
        self.home = [m.station for m in layout.staff]
        self.shift = [m.shift for m in layout.staff]
        self.home_x = [float(layout.station_xy[m.station, 0]) for m in layout.staff]
        self.home_y = [float(layout.station_xy[m.station, 1]) for m in layout.staff]
        self.precinct = [int(layout.station_precinct[m.station]) for m in layout.staff]
        self.district = [int(layout.station_district[m.station]) for m in layout.staff]
        field_kinds = set(layout.scenario.dispatch.field_station_kinds)
        self.field_ok = [
            (m.role == ROLE_INSPECTOR or assistants_take_field) and layout.stations[m.station].kind in field_kinds
            for m in layout.staff
        ]
        self.on_duty = [False] * n
        self.busy = [False] * n

        self.free_field = np.zeros(n, dtype=bool)  # on duty, idle, allowed in the field, not on prevention
        self.free_any = np.zeros(n, dtype=bool)  # the same, prevention included: free for a priority-1 call
        self.free_field_v = memoryview(self.free_field)
        self.free_any_v = memoryview(self.free_any)
        self.x0 = list(self.home_x)
        self.y0 = list(self.home_y)
        self.x1 = list(self.home_x)
        self.y1 = list(self.home_y)
        self.t1 = [-1.0] * n
        self.dur = [1.0] * n

    def position(self, s: int, now: float) -> tuple[float, float]:
        t1 = self.t1[s]
        if t1 <= now:
            return self.x1[s], self.y1[s]
        left = (t1 - now) / self.dur[s]
        x1, y1 = self.x1[s], self.y1[s]
        return x1 - (x1 - self.x0[s]) * left, y1 - (y1 - self.y0[s]) * left

    def at_home(self, s: int, now: float) -> bool:
        return self.t1[s] <= now and self.x1[s] == self.home_x[s] and self.y1[s] == self.home_y[s]

    def move(self, s: int, now: float, x: float, y: float, arrive: float) -> None:
        """Start a straight trip from where `s` is now to (x, y), arriving at `arrive`."""
        px, py = self.position(s, now)
        self.move_from(s, now, px, py, x, y, arrive)

    def move_from(self, s: int, now: float, px: float, py: float, x: float, y: float, arrive: float) -> None:
        """`move`, for a caller that already knows the position (px, py) of `s` at `now`."""
        self.x0[s], self.y0[s] = px, py
        self.x1[s], self.y1[s] = x, y
        self.t1[s] = arrive
        self.dur[s] = max(arrive - now, 1e-9)

    def place(self, s: int, x: float, y: float) -> None:
        self.x0[s] = self.x1[s] = x
        self.y0[s] = self.y1[s] = y
        self.t1[s] = -1.0

    def nearest_free(self, candidates: np.ndarray, candidates_list: list[int], x: float, y: float,
                     now: float, urgent: bool) -> int:
        """The free field-ready member of `candidates` closest to (x, y), or -1.

        `urgent` (a priority-1 call) also counts officers on prevention work as free.
        """
        if len(candidates_list) <= SMALL_GROUP:
            best, best_d2 = -1, float("inf")
            free = self.free_any_v if urgent else self.free_field_v
            t1, x1, y1 = self.t1, self.x1, self.y1
            for s in candidates_list:
                if free[s]:
                    if t1[s] <= now:
                        dx, dy = x1[s] - x, y1[s] - y
                    else:
                        px, py = self.position(s, now)
                        dx, dy = px - x, py - y
                    d2 = dx * dx + dy * dy
                    if d2 < best_d2:
                        best, best_d2 = s, d2
            return best
        free = candidates[(self.free_any if urgent else self.free_field)[candidates]]
        return self.nearest(free, x, y, now) if free.size else -1

    def nearest(self, c: np.ndarray, x: float, y: float, now: float) -> int:
        """The member of the index array `c` closest to (x, y) at `now`, or -1 if `c` is empty.

        Squared distances are summed as `dx * dx` (which Python multiplies inline; `dx ** 2` calls
        the C library's `pow`; about one square in a thousand differs in the last bit, which could
        decide only between two officers whose distances agree to that bit).
        """
        if c.size == 1:
            return int(c[0])
        best, best_d2 = -1, float("inf")
        t1, x1, y1 = self.t1, self.x1, self.y1
        for s in c.tolist():
            if t1[s] <= now:
                dx, dy = x1[s] - x, y1[s] - y
            else:
                px, py = self.position(s, now)
                dx, dy = px - x, py - y
            d2 = dx * dx + dy * dy
            if d2 < best_d2:
                best, best_d2 = s, d2
        return best
