// dialog.js - modal dialogs on the native <dialog> element: focus moves into
// the dialog, Tab stays inside it, Escape cancels, and focus returns to the
// element that opened it.

import { h, nextId } from './dom.js';

/**
 * Opens a dialog.  opts: {title, body: [nodes], actions: [{label, value,
 * kind}], initial: value of the button that gets focus}.  Resolves to the
 * value of the button pressed, or null for Escape / Annuleren.
 */
export function openDialog({ title, body = [], actions = [], initial, onOpen, form }) {
  const opener = document.activeElement;
  const titleId = nextId('dlg');
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
  return new Promise((resolve) => {
    let result = null;
    const buttons = actions.map((a) => h('button', {
      type: 'button',
      class: `btn ${a.kind === 'danger' ? 'btn-danger' : a.kind === 'primary' ? 'btn-primary' : ''}`,
      dataset: { value: String(a.value) },
      onclick: async () => {
        if (a.check) {
          const ok = await a.check();
          if (!ok) return;
        }
        result = a.value;
        dlg.close();
      },
    }, a.label));
    dlg.append(
      h('h2', { id: titleId }, title),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' }, buttons));
    if (form) form(dlg);
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener && document.contains(opener)) opener.focus();
      else document.getElementById('inhoud').focus();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = actions.findIndex((a) => a.value === initial);
    if (onOpen) onOpen(dlg);
    else if (first >= 0) buttons[first].focus();
  });
}

/** A yes/no question; resolves true for the confirming button. */
export async function confirmDialog({ title, body, confirm, danger = false }) {
  const v = await openDialog({
    title,
    body,
    actions: [
      { label: 'Annuleren', value: 'no' },
      { label: confirm, value: 'yes', kind: danger ? 'danger' : 'primary' },
    ],
    initial: 'no',
  });
  return v === 'yes';
}

export { h };

/**
 * A dialog with a form: fields is [{key, label, input (an element), hint?}].
 * submit(values) does the work and resolves to the result, or throws an
 * ApiError whose data.error.field names the input to mark.  Resolves to
 * submit's result, or null when cancelled.  Enter in a field submits.
 */
export async function formDialog({ title, intro, fields, submitLabel, submit }) {
  const err = h('div', { class: 'form-error' });
  let result = null;
  const rows = fields.map((f) => {
    const id = nextId('fd');
    f.input.id = id;
    const hintId = f.hint ? nextId('fh') : null;
    if (hintId) f.input.setAttribute('aria-describedby', hintId);
    return h('div', { class: 'field' }, h('label', { for: id }, f.label), f.input,
      f.hint ? h('span', { class: 'meta', id: hintId }, f.hint) : null);
  });
  const values = () => Object.fromEntries(fields.map((f) => [f.key, f.input.value.trim()]));
  const v = await openDialog({
    title,
    body: [intro ? h('p', null, intro) : null, err, rows],
    actions: [
      { label: 'Annuleren', value: null },
      {
        label: submitLabel, value: 'ok', kind: 'primary',
        check: async () => {
          err.replaceChildren();
          for (const f of fields) f.input.removeAttribute('aria-invalid');
          try {
            result = await submit(values());
            return true;
          } catch (x) {
            err.append(h('div', { class: 'msg msg-error', role: 'alert' }, x.message));
            const field = x.data && x.data.error && x.data.error.field;
            const bad = fields.find((f) => f.key === field) || (x.field && fields.find((f) => f.key === x.field));
            if (bad) { bad.input.setAttribute('aria-invalid', 'true'); bad.input.focus(); }
            return false;
          }
        },
      },
    ],
    onOpen: () => fields[0].input.focus(),
    form: (dlg) => {
      dlg.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && e.target.tagName === 'INPUT') {
          e.preventDefault();
          dlg.querySelector('button[data-value="ok"]').click();
        }
      });
    },
  });
  return v === 'ok' ? result : null;
}
