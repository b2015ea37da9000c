"""Agreement: positions per delegation and clause, the matrix, and clause status."""
