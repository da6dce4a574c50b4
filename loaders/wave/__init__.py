"""The wave loader: a wave package (wave.yaml and CSV files, in a folder or a .zip) in, one whole wave out.

`load.load_package` is a whole load, step by step. The modules, in the order a load uses them:

    api.py          the public surface: validate, load, unload and list waves, load the demo
    load.py         one load, top to bottom: identify, read, validate, check, plan, write, measure, cite,
                    compare, tally, finish
    source.py       the package's files, from a folder or a zip read in place (a zip is checked first)
    package.py      read a package: wave.yaml, every file, the source hash; its identity from the bytes alone
    manifest.py     wave.yaml parsed into a Manifest, with every problem located by line
    yaml_check.py   YAML read with line numbers and typed getters, for manifest.py
    spec.py         the format as data: its files, their columns and types, what each row becomes
    reader.py       a CSV file streamed into rows tied to their file's spec (encoding, header, delimiter, cells)
    columns.py      a plainly well-formed CSV file read as text columns, a batch of rows at a time, with pyarrow
                    (else the row reader)
    column_records.py  those columns typed at once into the records validate.py makes row by row
    record_blocks.py a relationship file's records kept as columns, and sequences joining blocks and records
    arrow_memory.py the system pool those columns live in, handed back to the OS after each file
    qualitative.py  coded data (.qdpx, or codebook.csv with coded_segments.csv) turned into rows of the format
    values.py       one cell's text to a typed value by its column type, and back
    validate.py     rows into typed records as they are read, then ids, references and cross-row checks
    refcheck.py     references resolved in the package, kept for the required waves, or explained by a root cause
    causes.py       root causes first: a mistake that makes many problems is one line, and one for the rest
    records.py      the frozen records of a validated package, its identity and its parsed reference lists
    node_rows.py    node records kept light by validation, their other values read again from the same bytes
    references.py   the package's reference lists: parsed once when validated, loaded when the wave is cited
    storecheck.py   the checks that need the knowledge base: required waves, references into them, shared entities
    remove.py       a wave's facts removed: the previous version in an update, or the wave in `kb unload`
    plan.py         the rows to write, nodes per label and relationships per (type, start, end), made on demand
    write.py        the plan's rows written, then the Wave marked loaded with its source hash and counts
    measures.py     survey network measures of the wave's advice ties, written in the same unit
    changes.py      what a load changed, element by element: the previous version against the rows written
    history.py      each wave's loads (when, which bytes, status, changes), kept on its Wave node
    tallies.py      what each wave holds per label and type, kept on its Wave node for wave_changes
    pairs.py        each pair of a study's waves compared participant by participant, kept for wave_changes

Not part of a load:

    build.py        packages written from Python (scripts, and the tests' generated packages)
    docs.py         docs/wave-format.md generated from spec, manifest, values and source
    docs_coded.py   the parts of that page about coded qualitative data and survey networks
    docs_reports.py the parts of that page about load reports, refusals, history and root causes
"""
