"""The fuzz suite's generators and harness.

edits      drawn edits of CSV cells, YAML values and bytes, and applying them
packages   wave packages: the known-good t01-w1 broken by drawn edits (PackageCase)
sources    reference lists, REFI-QDA archives and survey edge lists, edited (CitationCase, QdpxCase, SurveyCase)
harness    running one input against the real loaders and engine, the fingerprint and the tally
"""
