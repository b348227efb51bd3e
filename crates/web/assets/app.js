/*
 * 党风廉政建设责任制管理平台 — page behaviour.
 * Plain ES2017, no build step, CSP-safe (no eval, no inline handlers,
 * no inline styles). Load after htmx.min.js, e.g. with `defer`.
 *
 *  - htmx requests carry X-CSRF-Token from <meta name="csrf-token">
 *  - window.toast(message, kind)  kind: "info" | "success" | "error"
 *  - HX-Trigger: {"toast": {"message": "已保存", "kind": "success"}}
 *  - htmx:responseError → toast with JSON {"message": ...} or a default text
 *  - <form data-confirm="..."> / <button data-confirm="..."> ask confirm() first
 *  - <button data-open-dialog="id">, <button data-close-dialog>
 *  - <a href="/" data-back> goes back in the history (error pages)
 *  - a toast rendered by the server into #toasts (the message after a save) fades too
 *  - <dialog data-close-on-success> closes after a successful htmx request inside it
 *  - select inside a .filters form submits the form on change
 *    (opt out with data-no-autosubmit on the select)
 */
(function () {
  'use strict';

  var DEFAULT_ERROR = '操作失败，请稍后重试';
  var NETWORK_ERROR = '网络连接失败，请检查网络后重试';
  var KINDS = ['info', 'success', 'error'];

  // ------------------------------------------------------------ CSRF header
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  document.addEventListener('htmx:configRequest', function (evt) {
    var token = csrfToken();
    if (token && evt.detail && evt.detail.headers) {
      evt.detail.headers['X-CSRF-Token'] = token;
    }
  });

  // ------------------------------------------------------------------ toast
  function toastContainer() {
    var box = document.getElementById('toasts');
    if (!box) {
      box = document.createElement('div');
      box.id = 'toasts';
      box.setAttribute('aria-live', 'polite');
      document.body.appendChild(box);
    }
    return box;
  }

  function dismiss(el) {
    if (!el || el.classList.contains('toast-hide')) return;
    el.classList.add('toast-hide');
    var removed = false;
    var remove = function () {
      if (removed) return;
      removed = true;
      if (el.parentNode) el.parentNode.removeChild(el);
    };
    el.addEventListener('transitionend', remove);
    setTimeout(remove, 600); // in case transitions are disabled
  }

  function scheduleDismiss(el) {
    if (el.dataset.toastScheduled) return;
    el.dataset.toastScheduled = '1';
    var ms = el.classList.contains('toast-error') ? 7000 : 4000;
    var timer = setTimeout(function () { dismiss(el); }, ms);
    el.addEventListener('click', function () {
      clearTimeout(timer);
      dismiss(el);
    });
  }

  function toast(message, kind) {
    if (message == null || message === '') return null;
    var k = KINDS.indexOf(kind) >= 0 ? kind : 'info';
    var el = document.createElement('div');
    el.className = 'toast toast-' + k;
    el.setAttribute('role', k === 'error' ? 'alert' : 'status');
    el.textContent = String(message);
    toastContainer().appendChild(el);
    scheduleDismiss(el);
    return el;
  }

  window.toast = toast;

  // Response headers reach JS as Latin-1. If the server put raw UTF-8 into
  // HX-Trigger (instead of \uXXXX escapes), decode it back to Chinese.
  function fixHeaderText(text) {
    if (typeof text !== 'string' || !/[\u0080-\u00ff]/.test(text) || /[^\u0000-\u00ff]/.test(text)) {
      return text;
    }
    if (typeof TextDecoder !== 'function') return text;
    try {
      var bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      return text; // genuinely Latin-1 text
    }
  }

  // HX-Trigger: {"toast": {"message": "...", "kind": "success"}}  or  {"toast": "..."}
  // Prefer ASCII-only JSON (\uXXXX escapes) in the header.
  document.addEventListener('toast', function (evt) {
    var d = evt.detail || {};
    var message = d.message != null ? d.message : d.value;
    if (message && typeof message === 'object') {
      d = message;
      message = d.message;
    }
    toast(fixHeaderText(message), d.kind);
  });

  function hasToastTrigger(xhr) {
    try {
      var h = xhr.getResponseHeader('HX-Trigger') || '';
      return /(^|[\s,{"])toast($|[\s,"])/.test(h);
    } catch (e) {
      return false;
    }
  }

  document.addEventListener('htmx:responseError', function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    // The server already sent a toast through HX-Trigger: don't show two.
    if (xhr && hasToastTrigger(xhr)) return;
    var message = DEFAULT_ERROR;
    if (xhr) {
      try {
        var body = JSON.parse(xhr.responseText);
        if (body && typeof body.message === 'string' && body.message.trim()) {
          message = body.message;
        }
      } catch (e) { /* not JSON: keep the default text */ }
    }
    toast(message, 'error');
  });

  document.addEventListener('htmx:sendError', function () {
    toast(NETWORK_ERROR, 'error');
  });

  // Toasts rendered by the server (page load or out-of-band swap) fade too.
  function adoptToasts(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches('#toasts .toast')) scheduleDismiss(root);
    var list = root.querySelectorAll('#toasts .toast');
    for (var i = 0; i < list.length; i++) scheduleDismiss(list[i]);
  }
  document.addEventListener('htmx:load', function (evt) {
    adoptToasts(evt.detail && evt.detail.elt);
  });

  // -------------------------------------------------------------- confirm
  // Buttons/links with data-confirm ask on click (this also covers Enter in a
  // form, which clicks the default button); forms with data-confirm ask on
  // submit. Both run in the capture phase so htmx never sees a refused action.
  document.addEventListener('click', function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    var el = target && target.closest('[data-confirm]');
    if (!el || el.tagName === 'FORM') return;
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    if (!window.confirm(form.getAttribute('data-confirm'))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  // -------------------------------------------------------------- dialogs
  function openDialog(dialog) {
    if (!dialog) return;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    var focus = dialog.querySelector('[autofocus]') ||
      dialog.querySelector('input:not([type="hidden"]), select, textarea');
    if (focus) focus.focus();
  }

  function closeDialog(dialog) {
    if (!dialog) return;
    if (typeof dialog.close === 'function') {
      if (dialog.open) dialog.close();
    } else {
      dialog.removeAttribute('open');
    }
  }

  document.addEventListener('click', function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    if (!target) return;
    var opener = target.closest('[data-open-dialog]');
    if (opener) {
      evt.preventDefault();
      openDialog(document.getElementById(opener.getAttribute('data-open-dialog')));
      return;
    }
    var closer = target.closest('[data-close-dialog]');
    if (closer) {
      evt.preventDefault();
      var id = closer.getAttribute('data-close-dialog');
      closeDialog((id && document.getElementById(id)) || closer.closest('dialog'));
    }
  });

  document.addEventListener('htmx:afterRequest', function (evt) {
    var d = evt.detail || {};
    if (!d.successful || !d.elt || !d.elt.closest) return;
    var dialog = d.elt.closest('dialog[data-close-on-success]');
    if (dialog) closeDialog(dialog);
  });

  // ------------------------------------------------------------ way back
  // <a href="/" data-back>返回上一页</a>: back in the history when there is one, else the href.
  document.addEventListener('click', function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    var el = target && target.closest('[data-back]');
    if (!el || window.history.length < 2) return;
    evt.preventDefault();
    window.history.back();
  });

  // ------------------------------------------------- filters auto-submit
  document.addEventListener('change', function (evt) {
    var el = evt.target;
    if (!(el instanceof HTMLSelectElement) || el.hasAttribute('data-no-autosubmit')) return;
    var form = el.form;
    if (!form) return;
    if (!form.classList.contains('filters') && !el.closest('.filters')) return;
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires "submit", so hx-get forms work too
    } else if (form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))) {
      form.submit();
    }
  });

  // ------------------------------------------------------------------ init
  function init() {
    adoptToasts(document);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
