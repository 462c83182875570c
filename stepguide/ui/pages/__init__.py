"""Pages are compositions: the dashboard, the chapters, the presenter view and the cohort page."""
