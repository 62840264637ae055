"""Reports: terminal tables now; charts and HTML reports for decision-makers."""
