import { describe, expect, it } from 'vitest';
import {
  EXECUTE_KINDS,
  executeFieldPath,
  executeKind,
  executePath,
  executeRequest,
  executeRows,
  executeSpec,
  initialExecuteForm,
  isPositiveInput,
  openQuantity,
  planActions,
  qcRequired,
} from '../documentActions';
import type { DocumentLine } from '../documentTypes';
import { codeLabel, DICTIONARIES } from '../i18n';

const PO_LINES: DocumentLine[] = [
  { line_no: 1, sku: 'SKU-A', quantity: '120.000', unit: 'EA', received: '45.5', returned: '0' },
  { line_no: 2, sku: 'SKU-B', quantity: '60', unit: 'BOX', received: '60.000', returned: '0' },
  { line_no: 3, sku: 'SKU-C', quantity: '0.3', unit: 'KG', received: '0.1', returned: '0' },
];

const RECEIPT_LINES: DocumentLine[] = [
  { line_no: 1, po_line: 1, sku: 'SKU-A', quantity: '10', unit: 'EA', target: 'pending_qc', inspected: '4', returned: '0' },
  { line_no: 2, po_line: 2, sku: 'SKU-B', quantity: '5', unit: 'EA', target: 'available', inspected: '0', returned: '2' },
];

const TRANSFER_LINES: DocumentLine[] = [
  { line_no: 1, sku: 'SKU-A', quantity: '10', unit: 'EA', lot: 'L1', shipped: '10', received: '3', shortage: '1', shipped_lot: 'L1' },
  { line_no: 2, sku: 'SKU-B', quantity: '8', unit: 'EA', lot: null, shipped: '2', received: '2', shortage: '0', shipped_lot: null },
];

describe('planActions', () => {
  it('shows exactly what the server lists, nothing more', () => {
    expect(planActions('purchase_order', [])).toEqual({ submit: false, approve: false, reject: false, execute: [], elsewhere: [] });
    expect(planActions('purchase_order', undefined).execute).toEqual([]);
    expect(planActions('purchase_order', ['submit'])).toMatchObject({ submit: true, approve: false, execute: [], elsewhere: [] });
    expect(planActions('purchase_order', ['approve', 'reject'])).toMatchObject({ submit: false, approve: true, reject: true });
  });

  it('gives the steps with a form a button and the others a hint, in the server order', () => {
    expect(planActions('purchase_order', ['receive', 'shipping_notice'])).toEqual({
      submit: false,
      approve: false,
      reject: false,
      execute: [{ action: 'receive', kind: 'po_receive' }],
      elsewhere: ['shipping_notice'],
    });
    expect(planActions('goods_receipt', ['inspect', 'return', 'landed_cost'])).toMatchObject({
      execute: [
        { action: 'inspect', kind: 'gr_inspect' },
        { action: 'return', kind: 'gr_return' },
      ],
      elsewhere: ['landed_cost'],
    });
    expect(planActions('transfer_order', ['ship', 'receive', 'close'])).toMatchObject({
      execute: [
        { action: 'ship', kind: 'transfer_ship' },
        { action: 'receive', kind: 'transfer_receive' },
      ],
      elsewhere: ['close'],
    });
    expect(planActions('stocktake', ['count', 'submit']).elsewhere).toEqual(['count']);
  });

  it('keeps a step it has no form for on this type (or an unknown code) as a hint, once', () => {
    // Receiving against a shipping notice is done through the API or CLI.
    expect(planActions('advance_shipping_notice', ['receive', 'revise', 'receive']).elsewhere).toEqual(['receive', 'revise']);
    expect(planActions('sales_order', ['ship', 'teleport']).elsewhere).toEqual(['teleport']);
  });
});

describe('executeKind and executeSpec', () => {
  it('maps a document type and action to its form', () => {
    expect(executeKind('purchase_order', 'receive')).toBe('po_receive');
    expect(executeKind('sales_order', 'ship')).toBe('so_ship');
    expect(executeKind('goods_receipt', 'inspect')).toBe('gr_inspect');
    expect(executeKind('goods_receipt', 'return')).toBe('gr_return');
    expect(executeKind('shipment', 'return')).toBe('shipment_return');
    expect(executeKind('transfer_order', 'ship')).toBe('transfer_ship');
    expect(executeKind('transfer_order', 'receive')).toBe('transfer_receive');
    expect(executeKind('purchase_order', 'ship')).toBeNull();
    expect(executeKind('stocktake', 'post')).toBeNull();
  });

  it('posts to the step endpoint of the source document, escaped', () => {
    expect(executeSpec('po_receive').endpoint('XD-EC', 'PO-2026-000001')).toBe('/purchase-orders/XD-EC/PO-2026-000001/receipts');
    expect(executeSpec('so_ship').endpoint('XD-EC', 'SO-1')).toBe('/sales-orders/XD-EC/SO-1/shipments');
    expect(executeSpec('gr_inspect').endpoint('XD-EC', 'GR-1')).toBe('/goods-receipts/XD-EC/GR-1/inspections');
    expect(executeSpec('gr_return').endpoint('XD-EC', 'GR-1')).toBe('/goods-receipts/XD-EC/GR-1/returns');
    expect(executeSpec('shipment_return').endpoint('XD-EC', 'SH-1')).toBe('/shipments/XD-EC/SH-1/returns');
    expect(executeSpec('transfer_ship').endpoint('A/B', 'TO 1')).toBe('/transfer-orders/A%2FB/TO%201/shipments');
    expect(executeSpec('transfer_receive').endpoint('XD-EC', 'TO-1')).toBe('/transfer-orders/XD-EC/TO-1/receipts');
  });

  it('routes to the form under the document', () => {
    expect(executePath('/documents/XD-EC/PO-1', 'receive')).toBe('/documents/XD-EC/PO-1/receive');
  });
});

describe('openQuantity and executeRows', () => {
  it('leaves open what an order line has not received or shipped yet, exactly', () => {
    expect(executeRows('po_receive', PO_LINES).map((row) => [row.lineNo, row.open, row.closed])).toEqual([
      [1, '74.5', false],
      [2, '0', true],
      [3, '0.2', false], // not 0.19999999999999998
    ]);
    expect(openQuantity('so_ship', { quantity: '4', shipped: '1.25' })).toBe('2.75');
    expect(openQuantity('so_ship', { quantity: '4' })).toBe('4'); // nothing shipped yet
  });

  it('never shows an over-received line as negative', () => {
    expect(openQuantity('po_receive', { quantity: '10', received: '10.5' })).toBe('0');
  });

  it('lets QC inspect only what was received into pending QC and not inspected yet', () => {
    expect(RECEIPT_LINES.map((line) => openQuantity('gr_inspect', line))).toEqual(['6', '0']);
  });

  it('lets a return take what was not returned yet', () => {
    expect(RECEIPT_LINES.map((line) => openQuantity('gr_return', line))).toEqual(['10', '3']);
    expect(openQuantity('shipment_return', { quantity: '4', returned: '2' })).toBe('2');
  });

  it('ships a transfer what is left to ship and receives what is in transit', () => {
    expect(TRANSFER_LINES.map((line) => openQuantity('transfer_ship', line))).toEqual(['0', '6']);
    expect(TRANSFER_LINES.map((line) => openQuantity('transfer_receive', line))).toEqual(['6', '0']);
  });

  it('describes each row with its base and done quantities', () => {
    const [row] = executeRows('transfer_receive', TRANSFER_LINES);
    expect(row).toEqual({
      index: 0,
      lineNo: 1,
      sku: 'SKU-A',
      unit: 'EA',
      base: '10',
      done: { received: '3', shortage: '1' },
      open: '6',
      closed: false,
    });
  });
});

describe('initialExecuteForm', () => {
  it('pre-fills what is open and the QC default of each item', () => {
    const form = initialExecuteForm('po_receive', PO_LINES, { 'SKU-A': true, 'SKU-C': false });
    expect(form.lines).toEqual([
      { quantity: '74.5', to_qc: true, lot: '', expiry_date: undefined },
      { quantity: '0', to_qc: undefined, lot: '', expiry_date: undefined },
      { quantity: '0.2', to_qc: false, lot: '', expiry_date: undefined },
    ]);
    expect(form.reason).toBeUndefined();
  });

  it('passes everything waiting in QC by default', () => {
    expect(initialExecuteForm('gr_inspect', RECEIPT_LINES).lines).toEqual([
      { passed: '6', failed: '0', disposition: undefined },
      { passed: '0', failed: '0', disposition: undefined },
    ]);
  });

  it('returns stock from where it is and asks for a reason', () => {
    const form = initialExecuteForm('gr_return', RECEIPT_LINES);
    expect(form.lines?.map((line) => line.from_state)).toEqual(['pending_qc', 'available']);
    expect(form.reason).toBe('');
  });

  it('keeps the lot a transfer asked for or shipped', () => {
    expect(initialExecuteForm('transfer_ship', TRANSFER_LINES).lines?.map((line) => line.lot)).toEqual(['L1', '']);
    expect(initialExecuteForm('transfer_receive', TRANSFER_LINES).lines?.map((line) => line.lot)).toEqual(['L1', '']);
  });
});

describe('executeRequest', () => {
  it('sends only the lines with a quantity, naming their source lines', () => {
    const request = executeRequest('po_receive', PO_LINES, {
      lines: [
        { quantity: '74.5', to_qc: true, lot: ' L-7 ', expiry_date: { format: () => '2027-06-30' } },
        { quantity: '0' },
        { quantity: '0.2', to_qc: undefined, lot: '' },
      ],
    });
    expect(request.body).toEqual({
      lines: [
        { po_line: 1, quantity: '74.5', to_qc: true, lot: 'L-7', expiry_date: '2027-06-30' },
        { po_line: 3, quantity: '0.2' },
      ],
    });
    expect(request.rows).toEqual([0, 2]);
  });

  it('treats blank and non-numeric quantities as nothing to do', () => {
    const request = executeRequest('so_ship', PO_LINES, { lines: [{ quantity: '' }, { quantity: null }, { quantity: 'x' }] });
    expect(request.body.lines).toEqual([]);
    expect(request.rows).toEqual([]);
  });

  it('sends QC results with a disposition only for failed goods', () => {
    const request = executeRequest('gr_inspect', RECEIPT_LINES, {
      lines: [
        { passed: '4', failed: '2', disposition: 'return_to_supplier' },
        { passed: '0', failed: '0', disposition: 'damaged' },
      ],
    });
    expect(request.body.lines).toEqual([{ receipt_line: 1, passed: '4', failed: '2', disposition: 'return_to_supplier' }]);
    const allPassed = executeRequest('gr_inspect', RECEIPT_LINES, { lines: [{ passed: '6', failed: '', disposition: 'damaged' }] });
    expect(allPassed.body.lines).toEqual([{ receipt_line: 1, passed: '6', failed: '0' }]);
  });

  it('puts the return reason on every returned line', () => {
    const purchase = executeRequest('gr_return', RECEIPT_LINES, {
      reason: '  破损 ',
      lines: [{ quantity: '1', from_state: 'qc_hold' }, { quantity: '3', from_state: 'available' }],
    });
    expect(purchase.body.lines).toEqual([
      { receipt_line: 1, quantity: '1', from_state: 'qc_hold', reason: '破损' },
      { receipt_line: 2, quantity: '3', from_state: 'available', reason: '破损' },
    ]);
    const sales = executeRequest('shipment_return', [{ line_no: 1, quantity: '4', returned: '0' }], {
      reason: '',
      lines: [{ quantity: '2' }],
    });
    expect(sales.body.lines).toEqual([{ shipment_line: 1, quantity: '2' }]);
  });

  it('names transfer lines by their number, with a lot when given', () => {
    const request = executeRequest('transfer_receive', TRANSFER_LINES, { lines: [{ quantity: '6', lot: 'L1' }, { quantity: '0' }] });
    expect(request.body.lines).toEqual([{ line_no: 1, quantity: '6', lot: 'L1' }]);
  });
});

describe('executeFieldPath', () => {
  it('maps a request line back to the form row it came from', () => {
    expect(executeFieldPath('po_receive', 'lines[1].quantity', [0, 2])).toEqual(['lines', 2, 'quantity']);
    expect(executeFieldPath('po_receive', 'lines.1.lot', [0, 2])).toEqual(['lines', 2, 'lot']);
    expect(executeFieldPath('po_receive', 'lines[0].expiry_date', [0, 2])).toEqual(['lines', 0, 'expiry_date']);
  });

  it('shows problems about a line reference, its SKU or the whole line at its main quantity', () => {
    expect(executeFieldPath('po_receive', 'lines[0].po_line', [1])).toEqual(['lines', 1, 'quantity']);
    expect(executeFieldPath('so_ship', 'lines[0].sku', [3])).toEqual(['lines', 3, 'quantity']);
    expect(executeFieldPath('transfer_ship', 'lines[0]', [1])).toEqual(['lines', 1, 'quantity']);
    expect(executeFieldPath('gr_inspect', 'lines[0].inspected', [0])).toEqual(['lines', 0, 'passed']);
    expect(executeFieldPath('gr_inspect', 'lines[0].receipt_line', [0])).toEqual(['lines', 0, 'passed']);
  });

  it('shows the reason problems at the reason, when the form has one', () => {
    expect(executeFieldPath('gr_return', 'lines[0].reason', [0])).toEqual(['reason']);
    expect(executeFieldPath('shipment_return', 'reason', [])).toEqual(['reason']);
    expect(executeFieldPath('so_ship', 'reason', [])).toBeNull();
  });

  it('gives null for what the form does not have (shown above it)', () => {
    expect(executeFieldPath('po_receive', null, [0])).toBeNull();
    expect(executeFieldPath('po_receive', 'lines', [0])).toBeNull();
    expect(executeFieldPath('po_receive', 'lines[5].quantity', [0])).toBeNull();
    expect(executeFieldPath('po_receive', 'received_on', [0])).toBeNull();
    expect(executeFieldPath('po_receive', 'lines[0].schedule.0.date', [0])).toBeNull();
  });
});

describe('small helpers', () => {
  it('reads the QC requirement as the API does', () => {
    expect(qcRequired({ qc_required: 'true' })).toBe(true);
    expect(qcRequired({ qc_required: 'YES' })).toBe(true);
    expect(qcRequired({ qc_required: true })).toBe(true);
    expect(qcRequired({ qc_required: 'false' })).toBe(false);
    expect(qcRequired({})).toBe(false);
    expect(qcRequired('***')).toBeUndefined();
    expect(qcRequired(undefined)).toBeUndefined();
  });

  it('tells positive form quantities', () => {
    expect(isPositiveInput('0.5')).toBe(true);
    expect(isPositiveInput(2)).toBe(true);
    expect(isPositiveInput('0')).toBe(false);
    expect(isPositiveInput('')).toBe(false);
    expect(isPositiveInput(undefined)).toBe(false);
  });

  it('labels every step and action in both languages', () => {
    for (const kind of EXECUTE_KINDS) {
      for (const prefix of ['exec', 'exec.title', 'exec.confirm']) {
        expect(DICTIONARIES['zh-CN'][`${prefix}.${kind}`], `${prefix}.${kind}`).toBeTruthy();
        expect(DICTIONARIES.en[`${prefix}.${kind}`], `${prefix}.${kind}`).toBeTruthy();
      }
    }
    const codes = ['submit', 'receive', 'shipping_notice', 'revise', 'inspect', 'return', 'landed_cost', 'ship', 'close', 'count', 'post', 'order', 'approve', 'reject'];
    for (const code of codes) {
      expect(codeLabel('zh-CN', 'step', code)).not.toBe(code);
      expect(codeLabel('en', 'step', code)).not.toBe(code);
    }
    expect(DICTIONARIES['zh-CN']['exec.po_receive']).toBe('收货');
    expect(DICTIONARIES['zh-CN']['exec.so_ship']).toBe('发货');
    expect(DICTIONARIES['zh-CN']['exec.gr_inspect']).toBe('质检');
    expect(DICTIONARIES['zh-CN']['exec.gr_return']).toBe('退货');
    expect(DICTIONARIES['zh-CN']['actions.approve']).toBe('审批通过');
    expect(DICTIONARIES['zh-CN']['actions.reject']).toBe('驳回');
  });
});
