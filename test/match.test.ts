// Gatekeeper's match criteria (spec section 5), wildcard patterns, label selectors, the
// Namespace attached per mode (table 5.2 and section 13) and Config exclusions (section 11).
import { describe, expect, it } from 'vitest';
import {
  labelsOf,
  selectorMatches,
  validateSelector,
  qualifiedNameErrors,
  labelValueErrors,
  goQuote,
} from '../src/gatekeeper/label-selector';
import {
  attachedNamespace,
  autorejectMessage,
  configExcludes,
  isClusterScoped,
  matchConstraint,
  MISSING_NAMESPACE_ERROR,
  NO_OBJECT_ERROR,
  syntheticNamespace,
  validateMatch,
  type MatchResult,
  type MatchTarget,
  type NamespaceMode,
} from '../src/gatekeeper/match';
import { isPrefixOrInfixPattern, isValidPattern, matchesPattern } from '../src/gatekeeper/patterns';
import type { K8sObject, LabelSelector, Match, Source } from '../src/gatekeeper/types';

// ---------------------------------------------------------------------------------------
// Fixtures

function pod(name: string, namespace?: string, labels?: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) } };
}
function deployment(name: string, namespace?: string): K8sObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(namespace ? { namespace } : {}) } };
}
function namespaceObj(name: string, labels?: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}
function clusterRole(name: string, labels?: Record<string, string>): K8sObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, ...(labels ? { labels } : {}) } };
}
function nsMap(...namespaces: K8sObject[]): Map<string, K8sObject> {
  return new Map(namespaces.map((n) => [n.metadata!.name!, n]));
}
/** The nameless Namespace gator test attaches to objects without a namespace. */
const EMPTY_NS = syntheticNamespace('');

function target(object: K8sObject | null, namespace: K8sObject | null = null, extra: Partial<MatchTarget> = {}): MatchTarget {
  return { object, namespace, source: 'Original', ...extra };
}
function matches(match: Match | undefined, t: MatchTarget): boolean {
  const result = matchConstraint(match, t);
  if ('error' in result) throw new Error(`unexpected match error: ${result.error}`);
  return result.matched;
}
const MATCHED: MatchResult = { matched: true };
const NOT_MATCHED: MatchResult = { matched: false };

// ---------------------------------------------------------------------------------------
// Patterns

describe('wildcard patterns', () => {
  it.each([
    // exact
    ['kube-system', 'kube-system', true],
    ['kube-system', 'kube-system2', false],
    ['kube-system', 'kube', false],
    ['', '', true],
    ['', 'a', false],
    // prefix
    ['kube-*', 'kube-system', true],
    ['kube-*', 'kube-', true],
    ['kube-*', 'my-kube-system', false],
    // suffix
    ['*-system', 'kube-system', true],
    ['*-system', '-system', true],
    ['*-system', 'kube-system-2', false],
    // infix
    ['*prod*', 'team-prod-eu', true],
    ['*prod*', 'prod', true],
    ['*prod*', 'pro-d', false],
    // a lone star (and a double one) matches everything, including ""
    ['*', 'anything', true],
    ['*', '', true],
    ['**', '', true],
    ['**', 'x', true],
    // a star in the middle is an ordinary character
    ['a*b', 'axxb', false],
    ['a*b', 'a*b', true],
    // matching is case-sensitive
    ['kube-*', 'Kube-system', false],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });

  it.each(['abc', 'abc*', '*abc', '*abc*', '*', '**', '', 'kube-system', 'a:b', '*-0:9-*', '-'])('%j is a valid pattern', (p) => {
    expect(isValidPattern(p)).toBe(true);
  });

  it.each(['ABC', 'Kube-*', 'a*b', 'a_b', 'a.b', '***', ' a', 'a/b', 'é'])('%j is not a valid pattern', (p) => {
    expect(isValidPattern(p)).toBe(false);
  });

  it('only prefix and infix patterns may match a generateName', () => {
    expect(isPrefixOrInfixPattern('web-*')).toBe(true);
    expect(isPrefixOrInfixPattern('*web*')).toBe(true);
    expect(isPrefixOrInfixPattern('*web')).toBe(false);
    expect(isPrefixOrInfixPattern('web')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Label selectors

describe('label selectors: evaluation', () => {
  const labels = { app: 'web', tier: 'front', empty: '' };

  it('{} selects everything, even no labels', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({ matchLabels: {}, matchExpressions: [] }, {})).toBe(true);
  });

  it('matchLabels needs every pair, with equal values', () => {
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web', tier: 'front' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web', tier: 'back' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { team: 'x' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { empty: '' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { missing: '' } }, labels)).toBe(false);
  });

  it.each<[string, LabelSelector['matchExpressions'], boolean]>([
    ['In, value in the set', [{ key: 'app', operator: 'In', values: ['api', 'web'] }], true],
    ['In, value outside the set', [{ key: 'app', operator: 'In', values: ['api'] }], false],
    ['In, label absent', [{ key: 'team', operator: 'In', values: ['x'] }], false],
    ['In, empty value', [{ key: 'empty', operator: 'In', values: [''] }], true],
    ['NotIn, value in the set', [{ key: 'app', operator: 'NotIn', values: ['web'] }], false],
    ['NotIn, value outside the set', [{ key: 'app', operator: 'NotIn', values: ['api'] }], true],
    ['NotIn, label absent', [{ key: 'team', operator: 'NotIn', values: ['x'] }], true],
    ['Exists, present', [{ key: 'app', operator: 'Exists' }], true],
    ['Exists, present with empty value', [{ key: 'empty', operator: 'Exists' }], true],
    ['Exists, absent', [{ key: 'team', operator: 'Exists' }], false],
    ['DoesNotExist, present', [{ key: 'app', operator: 'DoesNotExist' }], false],
    ['DoesNotExist, absent', [{ key: 'team', operator: 'DoesNotExist' }], true],
    ['expressions are ANDed (both hold)', [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['front'] }], true],
    ['expressions are ANDed (one fails)', [{ key: 'app', operator: 'Exists' }, { key: 'tier', operator: 'In', values: ['back'] }], false],
  ])('%s', (_name, matchExpressions, expected) => {
    expect(selectorMatches({ matchExpressions }, labels)).toBe(expected);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const exprs = [{ key: 'tier', operator: 'Exists' }];
    expect(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: exprs }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: exprs }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels)).toBe(false);
  });

  it('reads labels as unstructured does: a non-string value means no labels at all', () => {
    expect(labelsOf(pod('p', 'ns', { a: 'b' }))).toEqual({ a: 'b' });
    expect(labelsOf(pod('p'))).toEqual({});
    expect(labelsOf({ kind: 'Pod', metadata: { labels: { a: 'b', version: 1 } as unknown as Record<string, string> } })).toEqual({});
    expect(labelsOf({ kind: 'Pod', metadata: { labels: 'a=b' as unknown as Record<string, string> } })).toEqual({});
    expect(labelsOf(null)).toEqual({});
  });
});

describe('label selectors: validation (ValidateLabelSelector wording)', () => {
  const NAME_PART =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
    "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const LABEL_VALUE =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
    "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  it.each<[string, LabelSelector]>([
    ['empty', {}],
    ['matchLabels', { matchLabels: { 'app.kubernetes.io/name': 'web', team: '' } }],
    ['every operator', {
      matchExpressions: [
        { key: 'a', operator: 'In', values: ['x'] },
        { key: 'b', operator: 'NotIn', values: ['x', 'y'] },
        { key: 'c', operator: 'Exists' },
        { key: 'd', operator: 'DoesNotExist', values: [] },
      ],
    }],
  ])('accepts %s', (_name, sel) => {
    expect(validateSelector(sel)).toBeUndefined();
  });

  it('In and NotIn need values', () => {
    expect(validateSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, 'spec.labelSelector')).toBe(
      "spec.labelSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
    expect(validateSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }, { key: 'a', operator: 'NotIn', values: [] }] }, 's')).toBe(
      "s.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
  });

  it.each(['Exists', 'DoesNotExist'])('%s must have no values', (operator) => {
    expect(validateSelector({ matchExpressions: [{ key: 'a', operator, values: ['x'] }] }, 's')).toBe(
      "s.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    );
  });

  it.each(['Gt', 'Lt', 'in', 'Equals', ''])('rejects operator %j', (operator) => {
    expect(validateSelector({ matchExpressions: [{ key: 'a', operator, values: ['1'] }] }, 's')).toBe(
      `s.matchExpressions[0].operator: Invalid value: ${JSON.stringify(operator)}: not a valid selector operator`,
    );
  });

  it('rejects invalid keys', () => {
    expect(validateSelector({ matchExpressions: [{ key: '-a', operator: 'Exists' }] }, 's')).toBe(
      `s.matchExpressions[0].key: Invalid value: "-a": ${NAME_PART}`,
    );
    expect(validateSelector({ matchLabels: { 'a b': 'x' } }, 's')).toBe(`s.matchLabels: Invalid value: "a b": ${NAME_PART}`);
  });

  it('gives every IsQualifiedName message', () => {
    expect(qualifiedNameErrors('example.com/name')).toEqual([]);
    expect(qualifiedNameErrors('')).toEqual(['name part must be non-empty', NAME_PART]);
    expect(qualifiedNameErrors('a'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(qualifiedNameErrors('/a')).toEqual(['prefix part must be non-empty']);
    expect(qualifiedNameErrors('Example.com/a')).toEqual([
      "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(qualifiedNameErrors('a/b/c')).toEqual([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') " +
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('rejects invalid values, in matchLabels and in expressions', () => {
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('x'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(validateSelector({ matchLabels: { a: 'b c' } }, 's')).toBe(`s.matchLabels: Invalid value: "b c": ${LABEL_VALUE}`);
    expect(validateSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-bad'] }] }, 's')).toBe(
      `s.matchExpressions[0].values[1]: Invalid value: "-bad": ${LABEL_VALUE}`,
    );
  });

  it('aggregates several errors in brackets, matchLabels first', () => {
    const sel: LabelSelector = {
      matchLabels: { a: '-' },
      matchExpressions: [{ key: 'b', operator: 'Gt', values: ['1'] }],
    };
    expect(validateSelector(sel, 's')).toBe(
      `[s.matchLabels: Invalid value: "-": ${LABEL_VALUE}, s.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator]`,
    );
  });

  it('quotes values as Go does', () => {
    expect(goQuote('a"b\\c\n\x01')).toBe('"a\\"b\\\\c\\n\\x01"');
  });
});

// ---------------------------------------------------------------------------------------
// The criteria

describe('matchConstraint: no criteria', () => {
  it('an absent match, or {}, matches anything', () => {
    for (const obj of [pod('p', 'ns'), clusterRole('cr'), namespaceObj('ns')]) {
      expect(matchConstraint(undefined, target(obj))).toEqual(MATCHED);
      expect(matchConstraint({}, target(obj))).toEqual(MATCHED);
    }
  });
});

describe('matchConstraint: kinds', () => {
  const p = target(pod('p', 'ns'));
  const d = target(deployment('d', 'ns'));
  it.each<[string, Match['kinds'], boolean, boolean]>([
    ['empty list', [], true, true],
    ['core Pod', [{ apiGroups: [''], kinds: ['Pod'] }], true, false],
    ['apps Deployment', [{ apiGroups: ['apps'], kinds: ['Deployment'] }], false, true],
    ['wrong group for Pod', [{ apiGroups: ['apps'], kinds: ['Pod'] }], false, false],
    ['any group', [{ apiGroups: ['*'], kinds: ['Pod', 'Deployment'] }], true, true],
    ['groups omitted', [{ kinds: ['Deployment'] }], false, true],
    ['kinds omitted', [{ apiGroups: ['apps'] }], false, true],
    ['kinds empty', [{ apiGroups: [''], kinds: [] }], true, false],
    ['any kind', [{ apiGroups: [''], kinds: ['*'] }], true, false],
    ['empty entry', [{}], true, true],
    ['kind is case-sensitive', [{ apiGroups: [''], kinds: ['pod'] }], false, false],
    ['some entry suffices', [{ apiGroups: ['batch'], kinds: ['Job'] }, { apiGroups: ['apps'], kinds: ['*'] }], false, true],
    ['group and kind come from the same entry', [{ apiGroups: [''], kinds: ['Deployment'] }, { apiGroups: ['apps'], kinds: ['Pod'] }], false, false],
  ])('%s', (_name, kinds, podMatches, deploymentMatches) => {
    expect(matches({ kinds }, p)).toBe(podMatches);
    expect(matches({ kinds }, d)).toBe(deploymentMatches);
  });

  it("uses the object's own apiVersion/kind (any version)", () => {
    const beta: K8sObject = { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' } };
    expect(matches({ kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] }, target(beta))).toBe(true);
  });
});

describe('matchConstraint: scope', () => {
  const ns1 = namespaceObj('ns1');
  const cases: [string, MatchTarget, { Cluster: boolean; Namespaced: boolean }][] = [
    ['a Namespace', target(ns1), { Cluster: true, Namespaced: false }],
    ['a Namespace with a Namespace attached', target(ns1, EMPTY_NS), { Cluster: true, Namespaced: false }],
    ['a cluster-scoped object, nothing attached', target(clusterRole('cr')), { Cluster: true, Namespaced: false }],
    ['an object with metadata.namespace', target(pod('p', 'ns1')), { Cluster: false, Namespaced: true }],
    ['an object with metadata.namespace and its Namespace', target(pod('p', 'ns1'), ns1), { Cluster: false, Namespaced: true }],
    ['no metadata.namespace but a Namespace attached', target(clusterRole('cr'), EMPTY_NS), { Cluster: false, Namespaced: true }],
  ];
  it.each(cases)('%s', (_name, t, expected) => {
    expect(matches({ scope: 'Cluster' }, t)).toBe(expected.Cluster);
    expect(matches({ scope: 'Namespaced' }, t)).toBe(expected.Namespaced);
    // Anything else filters nothing.
    for (const scope of ['*', 'cluster', 'bogus', '']) expect(matches({ scope }, t)).toBe(true);
  });
});

describe('matchConstraint: namespaces and excludedNamespaces', () => {
  const prod = namespaceObj('prod');
  it.each<[string, MatchTarget, string | undefined]>([
    // [description, target, subject namespace (undefined: the criteria pass whatever the patterns)]
    ["a Namespace: its own name", target(namespaceObj('prod')), 'prod'],
    ['a Namespace: its own name, whatever is attached', target(namespaceObj('prod'), namespaceObj('other')), 'prod'],
    ['the attached Namespace’s name', target(pod('p', 'prod'), prod), 'prod'],
    ['the attached Namespace’s name wins over metadata.namespace', target(pod('p', 'dev'), prod), 'prod'],
    ['the attached Namespace’s name, even empty', target(clusterRole('cr'), EMPTY_NS), ''],
    ['metadata.namespace when nothing is attached', target(pod('p', 'prod')), 'prod'],
    ['no namespace at all', target(clusterRole('cr')), undefined],
  ])('subject: %s', (_name, t, subject) => {
    const onlyProd = { namespaces: ['prod'] };
    const excludeProd = { excludedNamespaces: ['prod'] };
    const onlyStar = { namespaces: ['*'] };
    const excludeStar = { excludedNamespaces: ['*'] };
    if (subject === undefined) {
      for (const m of [onlyProd, excludeProd, onlyStar, excludeStar]) expect(matches(m, t)).toBe(true);
      return;
    }
    expect(matches(onlyProd, t)).toBe(subject === 'prod');
    expect(matches(excludeProd, t)).toBe(subject !== 'prod');
    expect(matches(onlyStar, t)).toBe(true);
    expect(matches(excludeStar, t)).toBe(false);
  });

  it('any pattern may match', () => {
    const t = target(pod('p', 'team-a-prod'));
    expect(matches({ namespaces: ['dev', 'team-*'] }, t)).toBe(true);
    expect(matches({ namespaces: ['dev', '*-staging'] }, t)).toBe(false);
    expect(matches({ namespaces: ['*-a-*'] }, t)).toBe(true);
    expect(matches({ excludedNamespaces: ['dev', '*-prod'] }, t)).toBe(false);
    expect(matches({ excludedNamespaces: ['dev', 'kube-*'] }, t)).toBe(true);
  });

  it('empty lists filter nothing', () => {
    expect(matches({ namespaces: [], excludedNamespaces: [] }, target(pod('p', 'x')))).toBe(true);
  });

  it('both apply together', () => {
    const t = target(pod('p', 'team-a'));
    expect(matches({ namespaces: ['team-*'], excludedNamespaces: ['team-a'] }, t)).toBe(false);
    expect(matches({ namespaces: ['team-*'], excludedNamespaces: ['team-b'] }, t)).toBe(true);
  });
});

describe('matchConstraint: labelSelector', () => {
  const labelled = target(pod('p', 'ns', { app: 'web' }));
  const bare = target(pod('p', 'ns'));
  it('selects on the object’s labels', () => {
    expect(matches({ labelSelector: { matchLabels: { app: 'web' } } }, labelled)).toBe(true);
    expect(matches({ labelSelector: { matchLabels: { app: 'web' } } }, bare)).toBe(false);
    expect(matches({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } }, bare)).toBe(true);
    expect(matches({ labelSelector: {} }, bare)).toBe(true);
  });

  it('on a Namespace, selects on its own labels too', () => {
    expect(matches({ labelSelector: { matchLabels: { env: 'prod' } } }, target(namespaceObj('n', { env: 'prod' })))).toBe(true);
  });

  it('an invalid selector is an error, not a miss', () => {
    const result = matchConstraint({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }, labelled);
    expect(result).toEqual({
      error: "labelSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    });
  });
});

describe('matchConstraint: namespaceSelector', () => {
  const team = { namespaceSelector: { matchLabels: { team: 'x' } } };
  const shop = namespaceObj('shop', { team: 'x' });

  it('absent passes, even when the Namespace is missing', () => {
    expect(matchConstraint({}, target(pod('p', 'shop')))).toEqual(MATCHED);
  });

  it('a Namespace is selected on its own labels', () => {
    expect(matches(team, target(namespaceObj('n', { team: 'x' })))).toBe(true);
    expect(matches(team, target(namespaceObj('n', { team: 'y' }), shop))).toBe(false);
  });

  it('an object without a namespace, nothing attached, passes', () => {
    expect(matchConstraint(team, target(clusterRole('cr')))).toEqual(MATCHED);
  });

  it('otherwise the attached Namespace’s labels decide', () => {
    expect(matches(team, target(pod('p', 'shop'), shop))).toBe(true);
    expect(matches(team, target(pod('p', 'shop'), namespaceObj('shop', { team: 'y' })))).toBe(false);
    expect(matches({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['y'] }] } }, target(pod('p', 'shop'), shop))).toBe(true);
  });

  it('a namespaced object whose Namespace is missing is an error, even for {}', () => {
    expect(matchConstraint(team, target(pod('p', 'shop')))).toEqual({ error: MISSING_NAMESPACE_ERROR });
    expect(matchConstraint({ namespaceSelector: {} }, target(pod('p', 'shop')))).toEqual({ error: MISSING_NAMESPACE_ERROR });
    expect(MISSING_NAMESPACE_ERROR).toBe('namespace selector for namespace-scoped object but missing Namespace');
  });

  it('criteria before it spare the error; criteria after it do not', () => {
    const lost = target(pod('p', 'shop'));
    expect(matchConstraint({ ...team, kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] }, lost)).toEqual(NOT_MATCHED);
    expect(matchConstraint({ ...team, scope: 'Cluster' }, lost)).toEqual(NOT_MATCHED);
    expect(matchConstraint({ ...team, namespaces: ['other'] }, lost)).toEqual(NOT_MATCHED);
    expect(matchConstraint({ ...team, excludedNamespaces: ['shop'] }, lost)).toEqual(NOT_MATCHED);
    expect(matchConstraint({ ...team, labelSelector: { matchLabels: { a: 'b' } } }, lost)).toEqual(NOT_MATCHED);
    expect(matchConstraint({ ...team, name: 'other' }, lost)).toEqual({ error: MISSING_NAMESPACE_ERROR });
    expect(matchConstraint({ ...team, source: 'Generated' }, lost)).toEqual({ error: MISSING_NAMESPACE_ERROR });
  });

  it('the autoreject message wraps the reason as HEAD does', () => {
    expect(autorejectMessage('p', MISSING_NAMESPACE_ERROR)).toBe(
      'unable to match constraints: error matching the requested object: p :failed to run Match criteria: ' +
        'namespace selector for namespace-scoped object but missing Namespace',
    );
  });
});

describe('matchConstraint: name', () => {
  it.each<[string, K8sObject, boolean]>([
    ['web', pod('web', 'ns'), true],
    ['web', pod('web-1', 'ns'), false],
    ['web-*', pod('web-1', 'ns'), true],
    ['*-1', pod('web-1', 'ns'), true],
    ['*eb*', pod('web-1', 'ns'), true],
    ['*', pod('web-1', 'ns'), true],
    ['api-*', pod('web-1', 'ns'), false],
  ])('%j against %j', (name, obj, expected) => {
    expect(matches({ name }, target(obj))).toBe(expected);
  });

  it('an empty name filters nothing', () => {
    expect(matches({ name: '' }, target(pod('x', 'ns')))).toBe(true);
  });

  it('HEAD: prefix and infix patterns also match generateName', () => {
    const generated: K8sObject = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-', namespace: 'ns' } };
    expect(matches({ name: 'web-*' }, target(generated))).toBe(true);
    expect(matches({ name: 'we*' }, target(generated))).toBe(true);
    expect(matches({ name: '*eb*' }, target(generated))).toBe(true);
    expect(matches({ name: '*' }, target(generated))).toBe(true);
    // Suffix and exact patterns say nothing about the final name.
    expect(matches({ name: '*-' }, target(generated))).toBe(false);
    expect(matches({ name: 'web-' }, target(generated))).toBe(false);
    expect(matches({ name: 'api-*' }, target(generated))).toBe(false);
    // With both set, either may match.
    const both: K8sObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', generateName: 'web-', namespace: 'ns' } };
    expect(matches({ name: 'web-*' }, target(both))).toBe(true);
    expect(matches({ name: 'x' }, target(both))).toBe(true);
  });
});

describe('matchConstraint: source', () => {
  it.each<[string | undefined, Source, boolean]>([
    [undefined, 'Original', true],
    [undefined, 'Generated', true],
    ['All', 'Original', true],
    ['All', 'Generated', true],
    ['Original', 'Original', true],
    ['Original', 'Generated', false],
    ['Generated', 'Original', false],
    ['Generated', 'Generated', true],
    ['bogus', 'Original', false],
  ])('source %j, reviewing %s', (source, reviewed, expected) => {
    expect(matches({ source }, target(pod('p', 'ns'), null, { source: reviewed }))).toBe(expected);
  });
});

describe('matchConstraint: every criterion together (AND)', () => {
  const match: Match = {
    kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
    scope: 'Namespaced',
    namespaces: ['team-*'],
    excludedNamespaces: ['team-legacy'],
    labelSelector: { matchLabels: { app: 'web' } },
    namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
    name: 'web-*',
    source: 'Original',
  };
  const ns = namespaceObj('team-a', { env: 'prod' });
  const ok = target(pod('web-1', 'team-a', { app: 'web' }), ns);

  it('matches when all hold', () => {
    expect(matchConstraint(match, ok)).toEqual(MATCHED);
  });

  it.each<[string, MatchTarget]>([
    ['kind', target(deployment('web-1', 'team-a'), ns)],
    ['namespace', target(pod('web-1', 'other', { app: 'web' }), namespaceObj('other', { env: 'prod' }))],
    ['excluded namespace', target(pod('web-1', 'team-legacy', { app: 'web' }), namespaceObj('team-legacy', { env: 'prod' }))],
    ['labels', target(pod('web-1', 'team-a', { app: 'api' }), ns)],
    ['namespace labels', target(pod('web-1', 'team-a', { app: 'web' }), namespaceObj('team-a', { env: 'dev' }))],
    ['name', target(pod('api-1', 'team-a', { app: 'web' }), ns)],
    ['source', { ...ok, source: 'Generated' }],
  ])('fails on %s alone', (_name, t) => {
    expect(matchConstraint(match, t)).toEqual(NOT_MATCHED);
  });
});

describe('matchConstraint: oldObject', () => {
  const legacy = { labelSelector: { matchLabels: { legacy: 'y' } } };
  const ns1 = namespaceObj('ns1');
  const now = pod('p', 'ns1');
  const before = pod('p', 'ns1', { legacy: 'y' });

  it('is tried when object fails (the UPDATE example of 6.2)', () => {
    expect(matchConstraint(legacy, target(now, ns1, { oldObject: before }))).toEqual(MATCHED);
  });

  it('object alone suffices; both failing is no match', () => {
    expect(matchConstraint(legacy, target(before, ns1, { oldObject: now }))).toEqual(MATCHED);
    expect(matchConstraint(legacy, target(now, ns1, { oldObject: now }))).toEqual(NOT_MATCHED);
    expect(matchConstraint(legacy, target(now, ns1, { oldObject: null }))).toEqual(NOT_MATCHED);
  });

  it('an error on object stops there', () => {
    const m = { kinds: [{ kinds: ['Pod'] }], namespaceSelector: {} };
    const oldOk = pod('p');
    expect(matchConstraint(m, target(pod('p', 'gone'), null, { oldObject: oldOk }))).toEqual({ error: MISSING_NAMESPACE_ERROR });
  });

  it('an error on oldObject counts once object has failed', () => {
    const m = { labelSelector: { matchLabels: { legacy: 'y' } }, namespaceSelector: {} };
    expect(matchConstraint(m, target(pod('p'), null, { oldObject: pod('p', 'gone', { legacy: 'y' }) }))).toEqual({
      error: MISSING_NAMESPACE_ERROR,
    });
  });

  it('a missing object leaves oldObject (DELETE in 2023); neither is an error', () => {
    expect(matchConstraint(legacy, target(null, ns1, { oldObject: before }))).toEqual(MATCHED);
    expect(matchConstraint(legacy, target(null, ns1, { oldObject: null }))).toEqual({ error: NO_OBJECT_ERROR });
  });
});

// ---------------------------------------------------------------------------------------
// Validation at load

describe('validateMatch', () => {
  it('accepts a valid match, and none', () => {
    expect(validateMatch(undefined)).toEqual([]);
    expect(
      validateMatch({
        kinds: [{ apiGroups: ['*'], kinds: ['*'] }],
        scope: 'anything goes',
        namespaces: ['*', 'kube-*', 'a:b'],
        excludedNamespaces: ['*-system'],
        labelSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] },
        namespaceSelector: {},
        name: 'web-*',
        source: 'Generated',
      }),
    ).toEqual([]);
  });

  it('rejects patterns outside the schema', () => {
    expect(validateMatch({ namespaces: ['ok', 'Prod'], excludedNamespaces: ['a*b'], name: 'Web' })).toEqual([
      `spec.match.namespaces[1]: Invalid value: "Prod": spec.match.namespaces[1] in body should match '^\\*?[-:a-z0-9]*\\*?$'`,
      `spec.match.excludedNamespaces[0]: Invalid value: "a*b": spec.match.excludedNamespaces[0] in body should match '^\\*?[-:a-z0-9]*\\*?$'`,
      `spec.match.name: Invalid value: "Web": spec.match.name in body should match '^\\*?[-:a-z0-9]*\\*?$'`,
    ]);
  });

  it('rejects an unknown source', () => {
    expect(validateMatch({ source: 'Everything' })).toEqual([
      'spec.match.source: Unsupported value: "Everything": supported values: "All", "Generated", "Original"',
    ]);
  });

  it('rejects invalid selectors under Gatekeeper’s paths', () => {
    expect(
      validateMatch({
        labelSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] },
        namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      }),
    ).toEqual([
      "spec.labelSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.namespaceSelector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator',
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// Config

describe('configExcludes', () => {
  function config(match: unknown[], name = 'config'): K8sObject {
    return { apiVersion: 'config.gatekeeper.sh/v1alpha1', kind: 'Config', metadata: { name, namespace: 'gatekeeper-system' }, spec: { match } };
  }
  const kubeSystem = config([{ excludedNamespaces: ['kube-*'], processes: ['webhook'] }]);

  it('excludes objects in a matching namespace for a listed process', () => {
    expect(configExcludes([kubeSystem], pod('p', 'kube-system'))).toBe(true);
    expect(configExcludes([kubeSystem], pod('p', 'default'))).toBe(false);
    expect(configExcludes([kubeSystem], pod('p', 'kube-system'), 'audit')).toBe(false);
  });

  it('`*` in processes means every process; no processes means none', () => {
    const all = config([{ excludedNamespaces: ['kube-system'], processes: ['*'] }]);
    expect(configExcludes([all], pod('p', 'kube-system'), 'audit')).toBe(true);
    expect(configExcludes([all], pod('p', 'kube-system'), 'mutation-webhook')).toBe(true);
    const none = config([{ excludedNamespaces: ['kube-system'] }]);
    expect(configExcludes([none], pod('p', 'kube-system'))).toBe(false);
  });

  it('any entry may exclude', () => {
    const two = config([
      { excludedNamespaces: ['a'], processes: ['audit'] },
      { excludedNamespaces: ['b'], processes: ['sync', 'webhook'] },
    ]);
    expect(configExcludes([two], pod('p', 'a'))).toBe(false);
    expect(configExcludes([two], pod('p', 'b'))).toBe(true);
  });

  it('a Namespace is judged by its own name', () => {
    expect(configExcludes([kubeSystem], namespaceObj('kube-system'))).toBe(true);
    expect(configExcludes([kubeSystem], namespaceObj('prod'))).toBe(false);
  });

  it('cluster-scoped objects are reached only by patterns matching ""', () => {
    expect(configExcludes([kubeSystem], clusterRole('cr'))).toBe(false);
    expect(configExcludes([config([{ excludedNamespaces: ['*'], processes: ['webhook'] }])], clusterRole('cr'))).toBe(true);
  });

  it('takes the namespace an object is reviewed in, when given', () => {
    expect(configExcludes([kubeSystem], pod('p'), 'webhook', 'kube-system')).toBe(true);
  });

  it('reads only the Config named `config`, and tolerates junk', () => {
    expect(configExcludes([config([{ excludedNamespaces: ['*'], processes: ['*'] }], 'other')], pod('p', 'x'))).toBe(false);
    expect(configExcludes([pod('config', 'x')], pod('p', 'x'))).toBe(false);
    expect(configExcludes([{ ...kubeSystem, spec: {} }], pod('p', 'kube-system'))).toBe(false);
    expect(configExcludes([config([null, { excludedNamespaces: 'kube-system', processes: ['*'] }])], pod('p', 'kube-system'))).toBe(false);
    expect(configExcludes([], pod('p', 'kube-system'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Scope of kinds

describe('isClusterScoped', () => {
  it.each([
    ['', 'Namespace'],
    ['', 'Node'],
    ['', 'PersistentVolume'],
    ['rbac.authorization.k8s.io', 'ClusterRole'],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
    ['storage.k8s.io', 'StorageClass'],
    ['storage.k8s.io', 'CSIDriver'],
    ['storage.k8s.io', 'CSINode'],
    ['storage.k8s.io', 'VolumeAttachment'],
    ['apiextensions.k8s.io', 'CustomResourceDefinition'],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'],
    ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration'],
    ['scheduling.k8s.io', 'PriorityClass'],
    ['networking.k8s.io', 'IngressClass'],
    ['node.k8s.io', 'RuntimeClass'],
    ['apiregistration.k8s.io', 'APIService'],
    ['policy', 'PodSecurityPolicy'],
    ['templates.gatekeeper.sh', 'ConstraintTemplate'],
    ['constraints.gatekeeper.sh', 'K8sPSPPrivilegedContainer'],
    ['constraints.gatekeeper.sh', 'AnythingAtAll'],
  ])('%s/%s is cluster-scoped', (group, kind) => {
    expect(isClusterScoped({ group, version: 'v1', kind })).toBe(true);
  });

  it.each([
    ['', 'Pod'],
    ['', 'ConfigMap'],
    ['apps', 'Deployment'],
    ['rbac.authorization.k8s.io', 'Role'],
    ['networking.k8s.io', 'Ingress'],
    ['policy', 'PodDisruptionBudget'],
    ['config.gatekeeper.sh', 'Config'],
    ['example.com', 'Widget'],
    // group matters: a kind named like a cluster-scoped one elsewhere is not
    ['example.com', 'ClusterRole'],
  ])('%s/%s is namespaced', (group, kind) => {
    expect(isClusterScoped({ group, version: 'v1', kind })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Table 5.2: which Namespace is attached

describe('attachedNamespace: gator test', () => {
  const shop = namespaceObj('shop', { team: 'x' });
  const all = nsMap(shop);
  const attach = (obj: K8sObject, namespaces = all) => attachedNamespace(obj, namespaces, 'gator-test');

  it('a Namespace gets an empty Namespace (its criteria read the object itself)', () => {
    expect(attach(namespaceObj('shop'))).toEqual({ namespace: EMPTY_NS });
  });

  it('no metadata.namespace (cluster-scoped or unset) gets an empty, nameless Namespace', () => {
    expect(attach(clusterRole('cr'))).toEqual({ namespace: EMPTY_NS });
    expect(attach(pod('p'))).toEqual({ namespace: EMPTY_NS });
    expect(EMPTY_NS).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: {} });
  });

  it('namespace N given as a Namespace object: that object', () => {
    expect(attach(pod('p', 'shop')).namespace).toBe(shop);
  });

  it('`default` not given: a synthetic `default` without labels', () => {
    expect(attach(pod('p', 'default'))).toEqual({ namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } });
    const given = namespaceObj('default', { a: 'b' });
    expect(attach(pod('p', 'default'), nsMap(given)).namespace).toBe(given);
  });

  it('N not given: none', () => {
    expect(attach(pod('p', 'elsewhere'))).toEqual({ namespace: null });
  });
});

describe('attachedNamespace: gator verify', () => {
  const ns1 = namespaceObj('ns1', { team: 'x' });
  const inventory = nsMap(ns1);
  const attach = (obj: K8sObject, opts = {}) => attachedNamespace(obj, inventory, 'gator-verify', opts);

  it('plain object: Namespace → none; no namespace → none', () => {
    expect(attach(namespaceObj('ns1'))).toEqual({ namespace: null });
    expect(attach(clusterRole('cr'))).toEqual({ namespace: null });
    expect(attach(pod('p'))).toEqual({ namespace: null });
  });

  it('plain object: N from the inventory', () => {
    expect(attach(pod('p', 'ns1')).namespace).toBe(ns1);
  });

  it('plain object: `default` or N not in the inventory → none', () => {
    expect(attach(pod('p', 'default'))).toEqual({ namespace: null });
    expect(attach(pod('p', 'ns2'))).toEqual({ namespace: null });
  });

  it('AdmissionReview: looked up by request.namespace, not by the object’s', () => {
    expect(attach(pod('p', 'ns2'), { reviewNamespace: 'ns1' }).namespace).toBe(ns1);
    expect(attach(pod('p'), { reviewNamespace: 'ns1' }).namespace).toBe(ns1);
    expect(attach(pod('p', 'ns1'), { reviewNamespace: '' })).toEqual({ namespace: null });
    expect(attach(pod('p', 'ns1'), { reviewNamespace: 'default' })).toEqual({ namespace: null });
    expect(attach(namespaceObj('ns1'), { reviewNamespace: 'ns1' })).toEqual({ namespace: null });
  });
});

describe('attachedNamespace: cluster (offgate’s decisions)', () => {
  const shop = namespaceObj('shop', { team: 'x' });
  const attach = (obj: K8sObject, opts = {}, namespaces = nsMap(shop)) => attachedNamespace(obj, namespaces, 'cluster', opts);
  const nsWith = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } },
  });

  it('Namespaces and cluster-scoped kinds get none', () => {
    expect(attach(namespaceObj('shop'))).toEqual({ namespace: null });
    expect(attach(clusterRole('cr'))).toEqual({ namespace: null });
    expect(attach({ apiVersion: 'constraints.gatekeeper.sh/v1beta1', kind: 'K8sRequiredLabels', metadata: { name: 'c' } })).toEqual({
      namespace: null,
    });
  });

  it('a given Namespace, with the label the API server adds', () => {
    expect(attach(pod('p', 'shop'))).toEqual({ namespace: nsWith('shop', { team: 'x' }) });
    // The input object is left untouched.
    expect(shop.metadata!.labels).toEqual({ team: 'x' });
  });

  it('a namespaced object without a namespace goes to `default`, or the chosen one', () => {
    const def = attach(pod('p'));
    expect(def.namespace).toEqual(nsWith('default', {}));
    expect(def.warning).toMatch(/namespace "default" is described by no Namespace object/);
    expect(attach(pod('p'), { defaultNamespace: 'shop' })).toEqual({ namespace: nsWith('shop', { team: 'x' }) });
    // Unknown kinds count as namespaced, unless the caller knows better.
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(attach(widget).namespace?.metadata?.name).toBe('default');
    expect(attach(widget, { isClusterScoped: () => true })).toEqual({ namespace: null });
  });

  it('a namespace nobody describes: no labels and a warning', () => {
    expect(attach(pod('p', 'ghost'))).toEqual({
      namespace: nsWith('ghost', {}),
      warning: 'namespace "ghost" is described by no Namespace object and no --namespace-labels: it is taken to have no labels',
    });
  });

  it('--namespace-labels describe a namespace, and win over a Namespace object’s labels', () => {
    const namespaceLabels = { ghost: { env: 'prod' }, shop: { team: 'y', extra: '1' } };
    expect(attach(pod('p', 'ghost'), { namespaceLabels })).toEqual({ namespace: nsWith('ghost', { env: 'prod' }) });
    expect(attach(pod('p', 'shop'), { namespaceLabels })).toEqual({ namespace: nsWith('shop', { team: 'y', extra: '1' }) });
  });

  it('the kubernetes.io/metadata.name label can be left out', () => {
    expect(attach(pod('p', 'shop'), { metadataNameLabel: false })).toEqual({ namespace: shop });
  });
});

// ---------------------------------------------------------------------------------------
// End to end: attachment + matching, the examples of section 5.2

/** Which of `objects` a constraint reports in a mode (errors shown as "error"). */
function review(match: Match, objects: K8sObject[], mode: NamespaceMode, namespaces: Map<string, K8sObject>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const obj of objects) {
    const { namespace } = attachedNamespace(obj, namespaces, mode);
    const result = matchConstraint(match, { object: obj, namespace, source: 'Original' });
    out[`${obj.kind}/${obj.metadata?.name}`] = 'error' in result ? 'error' : result.matched ? 'match' : '-';
  }
  return out;
}

describe('section 5.2 examples', () => {
  const cr1 = clusterRole('cr1');
  const ns1 = namespaceObj('ns1');
  const p1 = pod('p1', 'ns1');
  const inputs = [cr1, ns1, p1];
  const namespaces = nsMap(ns1);

  it('scope: Cluster — gator test reports only Namespace/ns1', () => {
    expect(review({ scope: 'Cluster' }, inputs, 'gator-test', namespaces)).toEqual({
      'ClusterRole/cr1': '-',
      'Namespace/ns1': 'match',
      'Pod/p1': '-',
    });
  });

  it('scope: Cluster — a verify case with the ClusterRole reports it; so does the cluster', () => {
    expect(review({ scope: 'Cluster' }, [cr1], 'gator-verify', new Map())).toEqual({ 'ClusterRole/cr1': 'match' });
    expect(review({ scope: 'Cluster' }, inputs, 'cluster', namespaces)).toEqual({
      'ClusterRole/cr1': 'match',
      'Namespace/ns1': 'match',
      'Pod/p1': '-',
    });
  });

  describe('the gator test quirk: a non-Namespace object without metadata.namespace', () => {
    const subjects = [cr1, pod('loose')];
    const mk = (match: Match, mode: NamespaceMode) => review(match, subjects, mode, namespaces);
    const all = (v: string) => ({ 'ClusterRole/cr1': v, 'Pod/loose': v });

    it('does not match scope: Cluster, does match scope: Namespaced', () => {
      expect(mk({ scope: 'Cluster' }, 'gator-test')).toEqual(all('-'));
      expect(mk({ scope: 'Namespaced' }, 'gator-test')).toEqual(all('match'));
    });

    it('fails namespaces unless a pattern matches ""', () => {
      expect(mk({ namespaces: ['ns1', 'kube-*'] }, 'gator-test')).toEqual(all('-'));
      expect(mk({ namespaces: ['ns1', '*'] }, 'gator-test')).toEqual(all('match'));
    });

    it('is excluded by excludedNamespaces only for such patterns', () => {
      expect(mk({ excludedNamespaces: ['kube-*', '*-system'] }, 'gator-test')).toEqual(all('match'));
      expect(mk({ excludedNamespaces: ['*'] }, 'gator-test')).toEqual(all('-'));
    });

    it('has namespaceSelector evaluated against no labels', () => {
      expect(mk({ namespaceSelector: { matchLabels: { team: 'x' } } }, 'gator-test')).toEqual(all('-'));
      expect(mk({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }, 'gator-test')).toEqual(all('match'));
      expect(mk({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['x'] }] } }, 'gator-test')).toEqual(all('match'));
    });

    it('in gator verify the same objects behave as cluster-scoped', () => {
      expect(mk({ scope: 'Cluster' }, 'gator-verify')).toEqual(all('match'));
      expect(mk({ scope: 'Namespaced' }, 'gator-verify')).toEqual(all('-'));
      expect(mk({ namespaces: ['ns1'] }, 'gator-verify')).toEqual(all('match'));
      expect(mk({ excludedNamespaces: ['*'] }, 'gator-verify')).toEqual(all('match'));
      expect(mk({ namespaceSelector: { matchLabels: { team: 'x' } } }, 'gator-verify')).toEqual(all('match'));
    });

    it('in the cluster, the ClusterRole is cluster-scoped and the Pod lives in `default`', () => {
      expect(mk({ scope: 'Cluster' }, 'cluster')).toEqual({ 'ClusterRole/cr1': 'match', 'Pod/loose': '-' });
      expect(mk({ scope: 'Namespaced' }, 'cluster')).toEqual({ 'ClusterRole/cr1': '-', 'Pod/loose': 'match' });
      expect(mk({ namespaces: ['default'] }, 'cluster')).toEqual(all('match'));
      expect(mk({ excludedNamespaces: ['default'] }, 'cluster')).toEqual({ 'ClusterRole/cr1': 'match', 'Pod/loose': '-' });
    });
  });

  it('namespace missing: autoreject in gator test and verify; no labels (and a warning) in the cluster', () => {
    const match = { namespaceSelector: { matchLabels: { team: 'x' } } };
    const p = pod('p', 'shop');
    expect(review(match, [p], 'gator-test', namespaces)).toEqual({ 'Pod/p': 'error' });
    expect(review(match, [pod('p', 'default')], 'gator-verify', new Map())).toEqual({ 'Pod/p': 'error' });
    // gator test has a synthetic `default`, so no error there.
    expect(review(match, [pod('p', 'default')], 'gator-test', new Map())).toEqual({ 'Pod/p': '-' });
    expect(review(match, [p], 'cluster', namespaces)).toEqual({ 'Pod/p': '-' });
    expect(attachedNamespace(p, namespaces, 'cluster').warning).toBeDefined();
    const described = attachedNamespace(p, namespaces, 'cluster', { namespaceLabels: { shop: { team: 'x' } } });
    expect(matchConstraint(match, { object: p, namespace: described.namespace, source: 'Original' })).toEqual(MATCHED);
  });

  it('the cluster’s automatic label lets selectors name namespaces', () => {
    const match = { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } };
    expect(review(match, [pod('a', 'kube-system'), pod('b', 'ns1')], 'cluster', namespaces)).toEqual({ 'Pod/a': '-', 'Pod/b': 'match' });
  });
});
