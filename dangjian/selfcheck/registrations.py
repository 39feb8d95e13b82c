"""Navigation, home cards and demo builders of this app (dangjian.core.registry)."""
