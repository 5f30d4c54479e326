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
