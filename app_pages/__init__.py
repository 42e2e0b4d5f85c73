"""The app's pages: layout only; every computation is in planner.app_logic."""
