// The public referral form's one script (served from /assets/, no inline script): what is
// typed is kept in this browser's local storage as the user goes, put back after a reload,
// and removed once the referral is sent. Nothing of it goes to the server until the user sends
// the form. Without JavaScript the form works the same, without the saving.
(function () {
  'use strict';
  var KEY = 'casegate-referral-draft';
  var MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;  // a forgotten draft does not stay for ever

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }  // blocked by the browser
  }

  function load(store) {
    try {
      var draft = JSON.parse(store.getItem(KEY) || 'null');
      if (!draft || typeof draft !== 'object' || typeof draft.fields !== 'object') return null;
      if (!(Date.now() - draft.saved < MAX_AGE_MS)) { store.removeItem(KEY); return null; }
      return draft.fields;
    } catch (e) {
      store.removeItem(KEY);
      return null;
    }
  }

  // The form's answers by name: text as a string, checkboxes as the list of those ticked.
  function answers(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === 'website' || el.type === 'hidden' || el.type === 'file' ||
          el.type === 'submit') return;
      if (el.type === 'checkbox') {
        if (!out[el.name]) out[el.name] = [];
        if (el.checked) out[el.name].push(el.value);
      } else if (el.type === 'radio') {
        if (el.checked) out[el.name] = el.value;
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function isEmpty(form) {
    return Array.prototype.every.call(form.elements, function (el) {
      if (!el.name || el.name === 'website' || el.type === 'hidden' || el.type === 'submit') return true;
      if (el.type === 'checkbox' || el.type === 'radio') return !el.checked;
      return el.value === '';
    });
  }

  function restore(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(fields, el.name)) return;
      var v = fields[el.name];
      if (el.type === 'checkbox') {
        el.checked = Array.isArray(v) && v.indexOf(el.value) !== -1;
      } else if (el.type === 'radio') {
        el.checked = el.value === v;
      } else if (typeof v === 'string' && el.type !== 'hidden' && el.type !== 'file') {
        el.value = v;
      }
    });
  }

  var store = storage();
  if (!store) return;

  // The receipt page: the referral is sent, so the draft goes.
  if (document.getElementById('receipt')) {
    store.removeItem(KEY);
    return;
  }

  var form = document.getElementById('referral-form');
  if (!form) return;
  // A form the server filled in (after errors, or "change your answers") shows what was sent;
  // only an empty one is filled from the draft.
  var saved = load(store);
  if (saved && isEmpty(form)) restore(form, saved);

  var note = document.getElementById('draft-note');
  if (note) note.hidden = false;
  var clear = document.getElementById('draft-clear');
  if (clear) {
    clear.addEventListener('click', function () {
      store.removeItem(KEY);
      form.reset();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
        else if (el.name && el.type !== 'hidden' && el.type !== 'submit') el.value = '';
      });
    });
  }

  function save() {
    try {
      store.setItem(KEY, JSON.stringify({ saved: Date.now(), fields: answers(form) }));
    } catch (e) {
      // Storage full or refused: the form still works without it.
    }
  }
  form.addEventListener('input', save);
  form.addEventListener('change', save);
}());
