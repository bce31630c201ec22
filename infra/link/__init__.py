"""Link's operator side: the role password store and the files rendered from it after a deploy."""
