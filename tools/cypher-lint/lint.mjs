#!/usr/bin/env node
// Lints the query library: every `.cypher` file under a directory, with Neo4j's own linter
// (`lintCypherQuery` from @neo4j-cypher/language-support, Neo4j 5 grammar and semantic analysis)
// plus three checks for portability to the embedded FalkorDB engine that Neo4j cannot know about.
//
//   node lint.mjs [--schema FILE.json] [DIR]      DIR defaults to ../../cypher next to this script
//
// Prints one `file:line:col: message` line per diagnostic (1-based line and column) and exits
// 1 when there is any diagnostic (warnings included), 0 when every file is clean, 2 on a usage
// error. `--schema` takes {"labels": [...], "relationshipTypes": [...]} so that a misspelt label,
// which would silently match nothing, is reported; without it labels are not checked.
//
// Why an allow-list of functions: given an empty schema, Neo4j's linter accepts any function
// name, and some names that Neo4j accepts are missing from FalkorDB or, worse, mean something else
// there (`exists(n.prop)` is true for every row on FalkorDB). So every function call must be one
// of ALLOWED_FUNCTIONS, each checked to run on both engines. The calls are taken from the parse
// tree Neo4j's own parser builds (`collectedFunctions`), not from a regular expression, so a name
// inside a string, a comment or a backticked identifier is never mistaken for a call, and the
// grammar's own constructs (any/all/none/single, shortestPath, CASE, list comprehensions) are not
// function calls at all.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: node lint.mjs [--schema FILE.json] [DIR]';

// Built-in names are case-insensitive on both engines, so they are compared in lower case.
export const ALLOWED_FUNCTIONS = [
  // aggregation
  'count', 'collect', 'sum', 'avg', 'min', 'max', 'percentileCont', 'percentileDisc', 'stDev', 'stDevP',
  // scalar and conversion
  'coalesce', 'size', 'length', 'head', 'last', 'tail', 'range', 'reverse', 'isEmpty',
  'toString', 'toInteger', 'toFloat', 'toBoolean', 'toStringOrNull', 'toIntegerOrNull', 'toFloatOrNull',
  // strings
  'toLower', 'toUpper', 'trim', 'ltrim', 'rtrim', 'split', 'replace', 'substring', 'left', 'right',
  // numbers
  'abs', 'round', 'ceil', 'floor', 'sign', 'sqrt',
  // graph values; `id` is allowed, but Neo4j 5 reports it as deprecated, so prefer the `id` property
  'nodes', 'relationships', 'labels', 'type', 'id', 'keys', 'properties', 'startNode', 'endNode',
  // grammar constructs on Neo4j, listed in case a parser version reports them as calls
  'shortestPath', 'allShortestPaths', 'any', 'all', 'none', 'single',
];
const ALLOWED = new Set(ALLOWED_FUNCTIONS.map((name) => name.toLowerCase()));

function loadLanguageSupport() {
  // The package's ESM build uses extension-less imports that Node refuses, so load its CommonJS build.
  const require = createRequire(import.meta.url);
  try {
    return require('@neo4j-cypher/language-support');
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    const here = path.dirname(fileURLToPath(import.meta.url));
    throw new UsageError(`@neo4j-cypher/language-support is not installed; run \`npm ci\` in ${here}`);
  }
}

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { schemaFile: null, dir: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--schema') {
      if (i + 1 >= argv.length) throw new UsageError('--schema needs a file');
      options.schemaFile = argv[(i += 1)];
    } else if (arg === '-h' || arg === '--help') {
      throw new UsageError(USAGE);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    } else if (options.dir !== null) {
      throw new UsageError(`only one directory may be given, got ${options.dir} and ${arg}\n${USAGE}`);
    } else {
      options.dir = arg;
    }
  }
  options.dir ??= path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cypher');
  return options;
}

function readSchema(schemaFile) {
  if (schemaFile === null) return {};
  let schema;
  try {
    schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read schema ${schemaFile}: ${error.message}`);
  }
  for (const key of ['labels', 'relationshipTypes']) {
    if (!Array.isArray(schema[key]) || !schema[key].every((name) => typeof name === 'string')) {
      throw new UsageError(`schema ${schemaFile} must have "${key}": a list of names`);
    }
  }
  return { labels: schema.labels, relationshipTypes: schema.relationshipTypes };
}

function cypherFiles(dir) {
  let entries;
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a directory\n${USAGE}`);
    entries = readdirSync(dir, { recursive: true });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read directory ${dir}: ${error.message}`);
  }
  return entries
    .map(String)
    .filter((name) => name.endsWith('.cypher') && statSync(path.join(dir, name)).isFile())
    .sort()
    .map((name) => path.join(dir, name));
}

// Parameters are declared by each file's header and checked against the text by the query
// registry (kb/queries); here every parameter the parser finds counts as declared, because
// Neo4j's linter otherwise reports each `$name` as undefined.
function declaredParameters(statements) {
  const parameters = {};
  for (const statement of statements) {
    for (const parameter of statement.collectedParameters) parameters[parameter.name.replace(/^`|`$/g, '')] = null;
  }
  return parameters;
}

function neo4jDiagnostics(ls, text, schema, statements) {
  const dbSchema = { ...schema, parameters: declaredParameters(statements) };
  return ls.lintCypherQuery(text, dbSchema).map((diagnostic) => ({
    line: diagnostic.range.start.line + 1,
    col: diagnostic.range.start.character + 1,
    message: diagnostic.message,
  }));
}

function portabilityDiagnostics(statements) {
  const found = [];
  const queries = statements.filter((statement) => statement.command.statement.trim() !== '');
  if (queries.length > 1) {
    const { line, column } = queries[1].command.start;
    found.push({ line, col: column + 1, message: `a library file holds one statement; this file has ${queries.length}` });
  }
  for (const statement of statements) {
    for (const call of statement.collectedFunctions) {
      if (!ALLOWED.has(call.name.toLowerCase())) {
        const message = `function ${call.name}() is not in the portable allow-list (ALLOWED_FUNCTIONS in tools/cypher-lint/lint.mjs); it may be missing or behave differently on FalkorDB`;
        found.push({ line: call.line, col: call.column + 1, message });
      }
    }
    for (const call of statement.collectedProcedures) {
      const message = `procedure call ${call.name} is engine-specific; keep procedures behind the store adapter`;
      found.push({ line: call.line, col: call.column + 1, message });
    }
  }
  return found;
}

/** All diagnostics of one file's text, sorted by position. */
export function lintText(ls, text, schema = {}) {
  if (text.trim() === '') return [{ line: 1, col: 1, message: 'the file is empty; a library file holds one query' }];
  const statements = ls.parserWrapper.parse(text).statementsParsing;
  return [...neo4jDiagnostics(ls, text, schema, statements), ...portabilityDiagnostics(statements)].sort(
    (a, b) => a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

function main(argv) {
  const options = parseArgs(argv);
  // Loaded even when there are no files, so a checkout without `npm ci` never passes silently.
  const ls = loadLanguageSupport();
  const schema = readSchema(options.schemaFile);
  const files = cypherFiles(options.dir);
  let problems = 0;
  for (const file of files) {
    for (const { line, col, message } of lintText(ls, readFileSync(file, 'utf8'), schema)) {
      console.log(`${file}:${line}:${col}: ${message}`);
      problems += 1;
    }
  }
  console.error(`${problems} problem${problems === 1 ? '' : 's'} in ${files.length} .cypher file${files.length === 1 ? '' : 's'} under ${options.dir}`);
  return problems === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`lint.mjs: ${error.message}`);
    process.exitCode = 2;
  }
}
