"""Staff answers to ideas: the status trail, rubric reviews, shortlist, promotion and prototypes."""
