"""Study sessions, scoring, spaced review and the learner's progress store."""
