"""What the tests share, importable as `support` (pytest puts tests/ on the path; see pyproject.toml).

paths              the repository, its fixtures, the demo studies and the seed documents, named once
cli                `run_kb(...)`: the `kb` command run in this process, with its exit code and output
doc_examples       the `$ kb ...` examples of the documentation and the elision markers they may use
command_list       README's list of commands and what `kb --help` prints, both parsed
refusals           refused wave packages: the problems reported, and nothing written
qdpx_builder       small REFI-QDA projects built in code
survey_waves       three small survey waves of one site, for the per-wave and dynamic network tests
readonly_attempts  the table of write and admin attempts every read path must refuse
neo4j_target       the Neo4j server the Neo4j cases run against (KB_TEST_NEO4J_URI, or a testcontainer)
bigwave            the fault tests' large generated wave and `kb` as a child process
fuzz               the fuzz suite's generated inputs and harness
"""
