"""Results: records, statistics with confidence intervals, comparisons and storage of run folders."""
