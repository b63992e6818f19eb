import { describe, expect, it } from 'vitest';
import { parseProblem, problemMessage } from '../problem';

const body = JSON.stringify({
  type: 'https://jxc.dev/problems/stock.insufficient',
  title: 'insufficient stock: FR-0001 at ST-SH-01 (available) has 3, needs 5',
  status: 409,
  code: 'stock.insufficient',
  field: 'lines[0].quantity',
  detail: 'insufficient stock: detail',
  messages: { 'zh-CN': '库存不足', en: 'insufficient stock' },
  params: { available: '3', requested: '5' },
});

describe('parseProblem', () => {
  it('reads every field of a jxc problem document', () => {
    const problem = parseProblem(409, body);
    expect(problem).toMatchObject({
      status: 409,
      code: 'stock.insufficient',
      field: 'lines[0].quantity',
      params: { available: '3', requested: '5' },
    });
  });

  it('turns a body that is not JSON into a generic problem with the status', () => {
    const problem = parseProblem(502, '<html>Bad gateway</html>');
    expect(problem.status).toBe(502);
    expect(problem.code).toBe('http.502');
    expect(problem.title).toContain('Bad gateway');
  });

  it('turns an empty body into a generic problem', () => {
    expect(parseProblem(500, '').title).toBe('HTTP 500');
  });

  it('keeps a framework validation error readable', () => {
    const problem = parseProblem(422, JSON.stringify({ detail: [{ loc: ['body', 'sku'], msg: 'required' }] }));
    expect(problem.title).toContain('required');
  });
});

describe('problemMessage', () => {
  it('shows the message in the console language', () => {
    const problem = parseProblem(409, body);
    expect(problemMessage(problem, 'zh-CN')).toBe('库存不足');
    expect(problemMessage(problem, 'en')).toBe('insufficient stock');
  });

  it('matches a message by language family', () => {
    const problem = parseProblem(409, JSON.stringify({ title: 'x', status: 409, messages: { zh: '冲突', en: 'conflict' } }));
    expect(problemMessage(problem, 'zh-CN')).toBe('冲突');
  });

  it('falls back to English, then detail, then title', () => {
    expect(problemMessage(parseProblem(409, JSON.stringify({ title: 'T', messages: { en: 'E' } })), 'zh-CN')).toBe('E');
    expect(problemMessage(parseProblem(409, JSON.stringify({ title: 'T', detail: 'D' })), 'zh-CN')).toBe('D');
    expect(problemMessage(parseProblem(409, JSON.stringify({ title: 'T' })), 'en')).toBe('T');
  });
});
