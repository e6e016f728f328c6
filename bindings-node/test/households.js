'use strict';
// Generated households for the child grant (examples/programs/child_grant.entitle), as of
// 2026-03-01: eight kinds of household, each with its decision worked out by hand from the
// program's rules, repeated to any number of units. Used by the large-batch tests and the benchmark.

const head = (id, birthdate, extra = {}) => ({ id, kind: 'head', birthdate, ...extra });
const child = (id, birthdate, extra = {}) => ({ id, kind: 'child', birthdate, ...extra });

/**
 * Each kind: `make(id)` builds a household, `want` is its result. Base KES 1500, KES 500 per
 * child up to 4 children, KES 300 per disabled member, cap KES 4000, 10 kg of maize per member in
 * the North.
 */
const KINDS = [
  {
    name: 'mother with two young children in the North',
    make: (id) => ({ id, region: 'North', monthly_income: 'KES 5000', members: [head(`${id}-1`, '1990-01-01'), child(`${id}-2`, '2020-05-01'), child(`${id}-3`, '2022-01-01')] }),
    want: { decision: 'eligible', cash: '2500', maize: '30' }, // 1500 + 2 × 500
  },
  {
    name: 'rich household',
    make: (id) => ({ id, region: 'East', monthly_income: 50000, members: [head(`${id}-1`, '1980-01-01'), child(`${id}-2`, '2015-01-01')] }),
    want: { decision: 'not_eligible' }, // 25,000 per person
  },
  {
    name: 'income not known',
    make: (id) => ({ id, region: 'East', members: [head(`${id}-1`, '1980-01-01'), child(`${id}-2`, '2015-01-01')] }),
    want: { decision: 'undetermined', missing: ['monthly_income'] },
  },
  {
    name: 'region not covered',
    make: (id) => ({ id, region: 'South', monthly_income: '1000', members: [head(`${id}-1`, '1980-01-01'), child(`${id}-2`, '2015-01-01')] }),
    want: { decision: 'not_eligible' },
  },
  {
    name: 'six children, four counted',
    make: (id) => ({
      id,
      region: 'North',
      monthly_income: 2000,
      members: [head(`${id}-1`, '1985-06-15'), ...[2015, 2016, 2017, 2018, 2019, 2020].map((y, i) => child(`${id}-${i + 2}`, `${y}-01-01`))],
    }),
    want: { decision: 'eligible', cash: '3500', maize: '70' }, // 1500 + 4 × 500
  },
  {
    name: 'three disabled members, capped',
    make: (id) => ({
      id,
      region: 'East',
      monthly_income: '0',
      members: [
        head(`${id}-1`, '1970-01-01', { disabled: true }),
        ...[2012, 2013, 2014, 2015, 2016].map((y, i) => child(`${id}-${i + 2}`, `${y}-01-01`, { disabled: i < 2 })),
      ],
    }),
    want: { decision: 'eligible', cash: '4000', capped: true }, // 1500 + 4 × 500 + 3 × 300 = 4400
  },
  {
    name: 'already receives the pension',
    make: (id) => ({ id, region: 'North', monthly_income: '1000', enrolled_in_pension: true, members: [head(`${id}-1`, '1950-01-01'), child(`${id}-2`, '2015-01-01')] }),
    want: { decision: 'not_eligible' },
  },
  {
    name: 'a birthdate after the as-of date',
    make: (id) => ({ id, region: 'North', monthly_income: '1000', members: [head(`${id}-1`, '1980-01-01'), child(`${id}-2`, '2030-01-01')] }),
    want: { error: 'R0003' },
  },
];

const AS_OF = '2026-03-01';

/** `n` households, cycling through the kinds: household `i` is of kind `i % 8`. */
function households(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = KINDS[i % KINDS.length].make(`H${i}`);
  return out;
}

module.exports = { KINDS, AS_OF, households };
