"""The SimPy model: a validated scenario in, one record per call and staff time out."""

from .simulation import ReplicationResult, simulate

__all__ = ["ReplicationResult", "simulate"]
