// Finds test loops that would pass on an empty list: a `for…of`, `.forEach(…)` or `.every(…)` whose body
// asserts (`expect(`/`assert`) while nothing proves the list it walks has items. The suite's rule
// (docs/ARCHITECTURE.md, test/): a loop of assertions over a list read at run time first asserts its length.
// A loop passes the check when
// - its list is fixed in the source: an array or object literal, an UPPER_CASE constant, an imported
//   binding, `Array.from({ length: … })`, or derived from one (`.map`, `.entries()`, `Object.values(…)`,
//   a local `const` initialised so, the variable of a loop over one);
// - an earlier statement of an enclosing block asserts it: `expect(list).to.have.length…`, `.not.empty`,
//   `.members`, `.deep.equal`, `expect(list.length)…`, `expect(list.map(…))…` with one of those;
// - a statement after it asserts a counter the loop increments (`let i = 0; for … i++; expect(i)…`);
// - or the line before it (or its own line) says why with `// list-checked: <reason>`.
// A heuristic on the syntax tree (TypeScript's parser, no type checking); it errs towards flagging.
import ts from 'typescript';

/** One flagged loop: file, 1-based line, and the list expression as written. */
export interface EmptyLoop {
  file: string;
  line: number;
  list: string;
}

const DERIVING = new Set(['map', 'flatMap', 'entries', 'keys', 'values', 'slice', 'concat', 'sort']);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const strip = (e: ts.Expression): ts.Expression => {
  while (
    ts.isAsExpression(e) ||
    ts.isParenthesizedExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isAwaitExpression(e)
  )
    e = e.expression;
  return e;
};

/** The loops of one test file's source that may pass on an empty list. */
export function findEmptyLoops(file: string, text: string): EmptyLoop[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imported = new Set<string>();
  const declarations = new Map<string, ts.Node[]>();
  const collect = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const names = node.importClause?.namedBindings;
      if (names && ts.isNamedImports(names)) for (const el of names.elements) imported.add(el.name.text);
      if (node.importClause?.name) imported.add(node.importClause.name.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name))
      declarations.set(node.name.text, [...(declarations.get(node.name.text) ?? []), node]);
    if (ts.isForOfStatement(node)) {
      const decl = node.initializer;
      if (ts.isVariableDeclarationList(decl))
        for (const d of decl.declarations) {
          const names = ts.isIdentifier(d.name)
            ? [d.name]
            : d.name.elements.flatMap((el) =>
                ts.isBindingElement(el) && ts.isIdentifier(el.name) ? [el.name] : [],
              );
          for (const n of names) declarations.set(n.text, [...(declarations.get(n.text) ?? []), node]);
        }
    }
    ts.forEachChild(node, collect);
  };
  collect(src);

  const seen = new Set<ts.Node>();
  const isFixed = (expr: ts.Expression): boolean => {
    const e = strip(expr);
    if (seen.has(e)) return false;
    seen.add(e);
    try {
      if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) return true;
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
      if (ts.isIdentifier(e)) {
        if (/^[A-Z][A-Z0-9_]*$/.test(e.text) || imported.has(e.text)) return true;
        const decls = declarations.get(e.text) ?? [];
        return (
          decls.length > 0 &&
          decls.every((d) =>
            ts.isForOfStatement(d)
              ? isFixed(d.expression)
              : ts.isVariableDeclaration(d) && !!d.initializer && isFixed(d.initializer),
          )
        );
      }
      if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return isFixed(e.expression);
      if (ts.isCallExpression(e)) {
        const callee = e.expression;
        if (ts.isPropertyAccessExpression(callee)) {
          const on = callee.expression.getText();
          if ((on === 'Object' || on === 'Array') && e.arguments[0]) {
            if (on === 'Array' && callee.name.text === 'from' && ts.isObjectLiteralExpression(e.arguments[0]))
              return true;
            return isFixed(e.arguments[0]);
          }
          if (on === 'Promise' && e.arguments[0]) return isFixed(e.arguments[0]);
          if (DERIVING.has(callee.name.text)) return isFixed(callee.expression);
        }
      }
      return false;
    } finally {
      seen.delete(e);
    }
  };

  const asserted = (list: string, statement: ts.Node): boolean => {
    const t = statement.getText().replace(/\s+/g, ' ');
    const l = esc(list);
    const proof = '(length|lengthOf|empty|members|equal|eql|keys|greaterThan|above|least|gt|gte)';
    return (
      new RegExp(`expect\\(${l}(\\.length)?(, [^;]*?)?\\)[^;]*\\.${proof}`).test(t) ||
      new RegExp(`expect\\(${l}\\.(map|filter|flatMap)\\([^;]*\\.${proof}`).test(t) ||
      new RegExp(`assert\\.\\w*(Length|NotEmpty|Members|Equal)\\w*\\(${l}\\b`).test(t)
    );
  };
  const counted = (loop: ts.Node, body: ts.Node, after: readonly ts.Statement[]): boolean => {
    const counters = [...body.getText().matchAll(/(?:\+\+(\w+)|(\w+)\+\+|(\w+) \+= )/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    return counters.some((c) => after.some((st) => new RegExp(`expect\\(${esc(c)}\\b`).test(st.getText())));
  };
  const explained = (node: ts.Node): boolean => {
    const { line } = src.getLineAndCharacterOfPosition(node.getStart());
    const lines = text.split('\n');
    return [lines[line - 1] ?? '', lines[line]].some((l) => l.includes('// list-checked:'));
  };
  const proven = (node: ts.Node, list: string, body: ts.Node): boolean => {
    let cur: ts.Node = node;
    while (cur.parent) {
      const p = cur.parent;
      if (ts.isBlock(p) || ts.isSourceFile(p)) {
        const i = p.statements.indexOf(cur as ts.Statement);
        if (p.statements.slice(0, i).some((st) => asserted(list, st))) return true;
        if (cur === p.statements[i] && counted(node, body, p.statements.slice(i + 1))) return true;
      }
      cur = p;
    }
    return false;
  };

  // A list as written, and the lists it is derived from without dropping items (`rows.slice(0, 50)` →
  // `rows`): asserting the base's length proves the derived one too, within the slice's bound.
  const lists = (expr: ts.Expression): string[] => {
    const e = strip(expr);
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      DERIVING.has(e.expression.name.text)
    )
      return [expr.getText(), ...lists(e.expression.expression)];
    return [expr.getText()];
  };

  const found: EmptyLoop[] = [];
  const visit = (node: ts.Node) => {
    let list: ts.Expression | undefined;
    let body: ts.Node | undefined;
    if (ts.isForOfStatement(node)) [list, body] = [node.expression, node.statement];
    else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['forEach', 'every'].includes(node.expression.name.text) &&
      node.arguments[0]
    )
      [list, body] = [node.expression.expression, node.arguments[0]];
    if (list && body && /\bexpect\(|\bassert\b/.test(body.getText())) {
      const stmt = ts.findAncestor(node, (n) => ts.isStatement(n)) ?? node;
      if (!isFixed(list) && !lists(list).some((l) => proven(stmt, l, body)) && !explained(node)) {
        const { line } = src.getLineAndCharacterOfPosition(node.getStart());
        found.push({ file, line: line + 1, list: list.getText().split('\n')[0] });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
}
