"""Text for the ear: one place for each text job."""
