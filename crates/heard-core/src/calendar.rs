//! Working-day calendars (in progress)
