import { evaluate } from '../evaluate';
import { codes, snapshot } from '../testing/fixtures';

describe('cluster', () => {
  const tenant = snapshot().tenant;
  it.each<[string, Parameters<typeof snapshot>[1], string[]]>([
    ['known and allowed', {}, []],
    ['unknown (null)', { cluster: null }, ['cluster.unknown']],
    ['snapshot for another cluster', { cluster: { name: 'prod-9', labels: {} } }, ['cluster.unknown']],
    ['not allowed', { tenant: { ...tenant, allowedClusters: ['prod-2'] } }, ['cluster.not-allowed']],
    ['empty allow-list allows nothing', { tenant: { ...tenant, allowedClusters: [] } }, ['cluster.not-allowed']],
  ])('%s', (_, patch, expected) => {
    expect(codes(evaluate(snapshot({}, patch)))).toEqual(expected);
  });
});
