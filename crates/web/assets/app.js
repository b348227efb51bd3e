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
 *    (opt out with data-no-autosubmit on the select); so does a select with
 *    data-autosubmit anywhere (page size, sort on a phone)
 *  - <input type="checkbox" data-check-all="NAME"> checks every enabled box named NAME in
 *    its form; a batch button with data-needs="NAME" stays disabled until one is checked,
 *    and its text shows how many
 *  - [data-unit-picker] (templates/unit_picker.html): searchable unit tree
 *  - <button data-append-line="TEXT" data-append-to="ID"> adds TEXT as a line of the
 *    textarea #ID unless a line already says it (a list of names built from a search)
 *  - form.score-sheet: the points of each indicator and the total follow the counts typed
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

  // ------------------------------------------------------------ append a line
  document.addEventListener('click', function (evt) {
    var target = evt.target instanceof Element ? evt.target : null;
    var btn = target && target.closest('[data-append-line]');
    if (!btn) return;
    evt.preventDefault();
    var area = document.getElementById(btn.getAttribute('data-append-to') || '');
    if (!area) return;
    var line = btn.getAttribute('data-append-line') || '';
    var lines = area.value.split('\n').map(function (l) { return l.trim(); });
    if (lines.indexOf(line) < 0) {
      area.value = (area.value.trim() ? area.value.replace(/\s+$/, '') + '\n' : '') + line;
    }
    btn.disabled = true;
    btn.textContent = '✓ ' + line;
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
    if (!el.hasAttribute('data-autosubmit') && !form.classList.contains('filters') && !el.closest('.filters')) return;
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires "submit", so hx-get forms work too
    } else if (form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))) {
      form.submit();
    }
  });

  // ------------------------------------------------------------ batch select
  function batchBoxes(form, name) {
    return Array.prototype.filter.call(form.elements, function (b) {
      return b.type === 'checkbox' && b.name === name && !b.disabled;
    });
  }
  function batchRefresh(form) {
    Array.prototype.forEach.call(form.querySelectorAll('[data-needs]'), function (btn) {
      var name = btn.getAttribute('data-needs');
      var n = batchBoxes(form, name).filter(function (b) { return b.checked; }).length;
      if (!btn.hasAttribute('data-label')) btn.setAttribute('data-label', btn.textContent);
      btn.disabled = n === 0;
      btn.textContent = btn.getAttribute('data-label') + (n > 0 ? '（' + n + '）' : '');
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-check-all]'), function (all) {
      if (all.form !== form) return;
      var boxes = batchBoxes(form, all.getAttribute('data-check-all'));
      var on = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = boxes.length > 0 && on === boxes.length;
      all.indeterminate = on > 0 && on < boxes.length;
    });
  }
  document.addEventListener('change', function (evt) {
    var el = evt.target;
    if (!(el instanceof HTMLInputElement) || el.type !== 'checkbox') return;
    var form = el.form || document.getElementById(el.getAttribute('form') || '');
    if (!form) return;
    var name = el.getAttribute('data-check-all');
    if (name) {
      batchBoxes(form, name).forEach(function (b) { b.checked = el.checked; });
    }
    batchRefresh(form);
  });
  function batchInit() {
    Array.prototype.forEach.call(document.querySelectorAll('form'), function (form) {
      if (form.querySelector('[data-needs]')) batchRefresh(form);
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', batchInit);
  } else {
    batchInit();
  }

  // ------------------------------------------------------------ unit picker
  // templates/unit_picker.html: <div data-unit-picker> around a <select> (one unit) or
  // checkboxes (data-multiple). Rows carry data-depth, data-key (name, short name, pinyin
  // initials) and data-parent. Adds a search box that filters the tree (a match shows its
  // ancestors), collapsible branches, and for one unit a button with a drop-down panel.
  var UP_PLACEHOLDER = '输入名称、简称或拼音首字母';

  // Shows the rows that match `q` (with their ancestors) or, without a query, the rows not
  // inside a collapsed branch. Returns how many rows are shown.
  function upFilter(rows, q) {
    var shown = 0;
    var i, d;
    if (q) {
      var keep = new Array(rows.length);
      var path = []; // index of the last row at each depth
      for (i = 0; i < rows.length; i++) {
        d = +rows[i].getAttribute('data-depth') || 0;
        path[d] = i;
        path.length = d + 1;
        if ((rows[i].getAttribute('data-key') || '').indexOf(q) >= 0) {
          for (var k = 0; k < path.length; k++) keep[path[k]] = true;
        }
      }
      for (i = 0; i < rows.length; i++) {
        rows[i].classList.toggle('up-hidden', !keep[i]);
        if (keep[i]) shown++;
      }
      return shown;
    }
    var below = -1; // depth of a collapsed row whose subtree is hidden
    for (i = 0; i < rows.length; i++) {
      d = +rows[i].getAttribute('data-depth') || 0;
      if (below >= 0 && d > below) {
        rows[i].classList.add('up-hidden');
        continue;
      }
      below = rows[i].classList.contains('up-collapsed') ? d : -1;
      rows[i].classList.remove('up-hidden');
      shown++;
    }
    return shown;
  }

  // A ▸/▾ button in front of each row with children; the tree starts folded below the top
  // when it is long, except the branches that hold a chosen unit.
  function upToggles(rows, isChosen, refresh) {
    var fold = rows.length > 40;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var depth = +row.getAttribute('data-depth') || 0;
      if (!row.hasAttribute('data-parent')) {
        var leaf = document.createElement('span');
        leaf.className = 'up-leaf';
        row.insertBefore(leaf, row.firstChild);
        continue;
      }
      var holds = false;
      for (var j = i + 1; j < rows.length && (+rows[j].getAttribute('data-depth') || 0) > depth; j++) {
        if (isChosen(rows[j])) { holds = true; break; }
      }
      if (fold && depth >= 1 && !holds) row.classList.add('up-collapsed');
      var t = document.createElement('button');
      t.type = 'button';
      t.className = 'up-toggle';
      t.tabIndex = -1;
      row.insertBefore(t, row.firstChild);
      upToggleText(row);
      t.addEventListener('click', function (evt) {
        evt.preventDefault();
        evt.stopPropagation();
        var r = evt.currentTarget.parentNode;
        r.classList.toggle('up-collapsed');
        upToggleText(r);
        refresh();
      });
    }
  }
  function upToggleText(row) {
    var t = row.querySelector('.up-toggle');
    if (!t) return;
    var folded = row.classList.contains('up-collapsed');
    t.textContent = folded ? '▸' : '▾';
    t.setAttribute('aria-label', folded ? '展开下级' : '收起下级');
  }

  function upSearchBox(label) {
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'up-search';
    input.placeholder = UP_PLACEHOLDER;
    input.autocomplete = 'off';
    input.setAttribute('aria-label', '筛选' + (label || '单位'));
    return input;
  }

  function upEmpty() {
    var e = document.createElement('div');
    e.className = 'up-empty up-hidden';
    e.textContent = '没有匹配的单位';
    return e;
  }

  function upMulti(root) {
    var list = root.querySelector('.up-list');
    if (!list) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll('.up-item'));
    var boxes = rows.map(function (r) { return r.querySelector('input[type="checkbox"]'); });
    var labelEl = document.getElementById(list.id + '-label');
    var search = upSearchBox(labelEl ? labelEl.textContent : '');
    var chips = document.createElement('div');
    chips.className = 'up-chips';
    chips.setAttribute('aria-live', 'polite');
    var empty = upEmpty();
    root.insertBefore(chips, list);
    root.insertBefore(search, list);
    list.appendChild(empty);
    function refresh() {
      var q = search.value.trim().toLowerCase();
      var n = upFilter(rows, q);
      list.classList.toggle('up-searching', !!q);
      empty.classList.toggle('up-hidden', n > 0);
    }
    function drawChips() {
      chips.textContent = '';
      var chosen = boxes.filter(function (b) { return b.checked; });
      var count = document.createElement('span');
      count.textContent = chosen.length ? '已选 ' + chosen.length + ' 个：' : '未选择';
      chips.appendChild(count);
      chosen.forEach(function (b) {
        var c = document.createElement('button');
        c.type = 'button';
        c.className = 'up-chip';
        var name = b.parentNode.querySelector('.up-name');
        c.textContent = name ? name.textContent : b.value;
        c.setAttribute('aria-label', '取消选择 ' + c.textContent);
        c.addEventListener('click', function () {
          b.checked = false;
          drawChips();
        });
        chips.appendChild(c);
      });
    }
    upToggles(rows, function (r) { var b = r.querySelector('input'); return b && b.checked; }, refresh);
    list.addEventListener('change', drawChips);
    search.addEventListener('input', refresh);
    search.addEventListener('keydown', function (evt) {
      if (evt.key !== 'Enter') return;
      evt.preventDefault(); // Enter filters, it does not send the form
      var shown = rows.filter(function (r) { return !r.classList.contains('up-hidden') && (r.getAttribute('data-key') || '').indexOf(search.value.trim().toLowerCase()) >= 0; });
      if (shown.length === 1) {
        var b = shown[0].querySelector('input');
        b.checked = !b.checked;
        drawChips();
      }
    });
    drawChips();
    refresh();
  }

  function upSingle(root) {
    var select = root.querySelector('select');
    if (!select) return;
    var blank = root.getAttribute('data-blank') || '';
    var trigger = document.createElement('button');
    trigger.type = 'button';
    trigger.className = 'up-trigger';
    trigger.id = select.id + '-picker';
    trigger.setAttribute('aria-haspopup', 'listbox');
    trigger.setAttribute('aria-expanded', 'false');
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) label.htmlFor = trigger.id;
    else if (select.getAttribute('aria-label')) trigger.setAttribute('aria-label', select.getAttribute('aria-label'));
    var panel = document.createElement('div');
    panel.className = 'up-panel';
    panel.hidden = true;
    var search = upSearchBox(label ? label.textContent : select.getAttribute('aria-label'));
    var tree = document.createElement('ul');
    tree.className = 'up-tree';
    tree.setAttribute('role', 'listbox');
    var empty = upEmpty();
    panel.appendChild(search);
    panel.appendChild(tree);
    panel.appendChild(empty);
    var rows = [];
    var opts = Array.prototype.slice.call(select.options);
    opts.forEach(function (o) {
      var li = document.createElement('li');
      var depth = o.getAttribute('data-depth') || '0';
      li.className = 'up-opt up-d' + depth;
      li.setAttribute('role', 'option');
      li.setAttribute('data-value', o.value);
      li.setAttribute('data-depth', o.value === '' ? '0' : depth);
      li.setAttribute('data-key', o.value === '' ? '' : (o.getAttribute('data-key') || ''));
      if (o.hasAttribute('data-parent')) li.setAttribute('data-parent', '');
      var name = document.createElement('span');
      name.className = 'up-name';
      name.textContent = o.textContent.replace(/^[\s\u3000]+/, '');
      li.appendChild(name);
      tree.appendChild(li);
      rows.push(li);
    });
    var active = -1;
    function shownRows() { return rows.filter(function (r) { return !r.classList.contains('up-hidden'); }); }
    function setActive(r) {
      rows.forEach(function (x) { x.classList.remove('up-active'); });
      active = rows.indexOf(r);
      if (r) {
        r.classList.add('up-active');
        if (r.scrollIntoView) r.scrollIntoView({ block: 'nearest' });
      }
    }
    function refresh() {
      var q = search.value.trim().toLowerCase();
      var n = upFilter(rows, q);
      tree.classList.toggle('up-searching', !!q);
      // the blank choice only without a query
      if (q && rows[0] && rows[0].getAttribute('data-value') === '') { rows[0].classList.add('up-hidden'); n--; }
      empty.classList.toggle('up-hidden', n > 0);
      var s = shownRows();
      setActive(q ? s.filter(function (r) { return r.getAttribute('data-value') !== ''; })[0] || null : null);
    }
    function show() {
      var o = select.options[select.selectedIndex];
      var text = o ? o.textContent.replace(/^[\s\u3000]+/, '') : '';
      trigger.textContent = text || blank || '请选择';
      trigger.classList.toggle('up-placeholder', !o || o.value === '');
      rows.forEach(function (r) { r.setAttribute('aria-selected', r.getAttribute('data-value') === select.value ? 'true' : 'false'); });
    }
    function open() {
      panel.hidden = false;
      trigger.setAttribute('aria-expanded', 'true');
      search.value = '';
      refresh();
      search.focus();
      var cur = rows.filter(function (r) { return r.getAttribute('data-value') === select.value; })[0];
      if (cur && !cur.classList.contains('up-hidden') && cur.scrollIntoView) cur.scrollIntoView({ block: 'nearest' });
    }
    function close(focus) {
      if (panel.hidden) return;
      panel.hidden = true;
      trigger.setAttribute('aria-expanded', 'false');
      if (focus) trigger.focus();
    }
    function pick(r) {
      if (!r) return;
      var v = r.getAttribute('data-value');
      var changed = select.value !== v;
      select.value = v;
      show();
      close(true);
      if (changed) select.dispatchEvent(new Event('change', { bubbles: true }));
    }
    upToggles(rows, function (r) { return r.getAttribute('data-value') === select.value && select.value !== ''; }, refresh);
    select.classList.add('up-hidden'); // the CSS gives selects display:block, which beats [hidden]
    select.tabIndex = -1;
    root.insertBefore(trigger, select);
    root.appendChild(panel);
    trigger.addEventListener('click', function () { if (panel.hidden) open(); else close(true); });
    tree.addEventListener('click', function (evt) {
      var r = evt.target instanceof Element ? evt.target.closest('.up-opt') : null;
      if (r) pick(r);
    });
    search.addEventListener('input', refresh);
    search.addEventListener('keydown', function (evt) {
      var s = shownRows();
      var at = s.indexOf(rows[active]);
      if (evt.key === 'ArrowDown' || evt.key === 'ArrowUp') {
        evt.preventDefault();
        var next = evt.key === 'ArrowDown' ? Math.min(at + 1, s.length - 1) : Math.max(at - 1, 0);
        setActive(s[next] || null);
      } else if (evt.key === 'Enter') {
        evt.preventDefault(); // Enter picks, it does not send the form
        pick(rows[active] || (s.length === 1 ? s[0] : null));
      } else if (evt.key === 'Escape') {
        evt.preventDefault();
        close(true);
      }
    });
    document.addEventListener('click', function (evt) {
      if (!panel.hidden && evt.target instanceof Node && !root.contains(evt.target)) close(false);
    });
    root.addEventListener('keydown', function (evt) {
      if (evt.key === 'Escape' && !panel.hidden) close(true);
    });
    select.addEventListener('change', show);
    show();
  }

  // <input list="leaders" data-leaders-of="lead_org" data-owner="ID">: the datalist offers the
  // leaders (option data-org) of the unit chosen in #lead_org and of the plan's owner, the
  // chosen unit's first. Typed text stays allowed.
  function initLeaderChoices(scope) {
    if (!scope || !scope.querySelectorAll) return;
    var inputs = scope.querySelectorAll('input[data-leaders-of]');
    for (var i = 0; i < inputs.length; i++) {
      (function (input) {
        var unit = document.getElementById(input.getAttribute('data-leaders-of'));
        var list = input.list;
        if (!unit || !list || input.getAttribute('data-leaders-ready')) return;
        input.setAttribute('data-leaders-ready', '1');
        var owner = input.getAttribute('data-owner') || '';
        var all = Array.prototype.slice.call(list.options).map(function (o) { return o.cloneNode(true); });
        function fill() {
          var chosen = unit.value;
          var first = [];
          var rest = [];
          all.forEach(function (o) {
            var org = o.getAttribute('data-org');
            if (chosen && org === chosen) first.push(o);
            else if (org === owner || !chosen) rest.push(o);
          });
          list.textContent = '';
          first.concat(rest).forEach(function (o) { list.appendChild(o.cloneNode(true)); });
        }
        unit.addEventListener('change', fill);
        fill();
      })(inputs[i]);
    }
  }

  // A select of people (option data-org) that offers only the people of the unit chosen in
  // the select named by data-holders-of; its first option (the blank) always stays.
  function initHolderChoices(scope) {
    if (!scope || !scope.querySelectorAll) return;
    var selects = scope.querySelectorAll('select[data-holders-of]');
    for (var i = 0; i < selects.length; i++) {
      (function (select) {
        var unit = document.getElementById(select.getAttribute('data-holders-of'));
        if (!unit || select.getAttribute('data-holders-ready')) return;
        select.setAttribute('data-holders-ready', '1');
        var all = Array.prototype.slice.call(select.options).map(function (o) { return o.cloneNode(true); });
        function fill() {
          var chosen = unit.value;
          var keep = select.value;
          select.textContent = '';
          all.forEach(function (o) {
            if (!o.value || o.getAttribute('data-org') === chosen) select.appendChild(o.cloneNode(true));
          });
          select.value = keep;
          if (select.value !== keep) select.value = '';
        }
        unit.addEventListener('change', fill);
        fill();
      })(selects[i]);
    }
  }

  function initUnitPickers(scope) {
    if (!scope || !scope.querySelectorAll) return;
    var list = scope.querySelectorAll('[data-unit-picker]');
    for (var i = 0; i < list.length; i++) {
      var root = list[i];
      if (root.getAttribute('data-up-ready')) continue;
      root.setAttribute('data-up-ready', '1');
      if (root.hasAttribute('data-multiple')) upMulti(root);
      else upSingle(root);
    }
  }
  document.addEventListener('htmx:load', function (evt) {
    initUnitPickers(evt.detail && evt.detail.elt);
    initLeaderChoices(evt.detail && evt.detail.elt);
    initHolderChoices(evt.detail && evt.detail.elt);
  });


  // ------------------------------------------------------------ exam timer
  // templates/conduct_exam_attempt.html: <div data-exam-remaining="secs" data-exam-submit="form id">
  // counts down in [data-exam-clock] and submits the form at zero (the server closes the
  // attempt anyway); [data-exam-answered] counts the questions answered so far.
  function initExam(scope) {
    var bar = scope && scope.querySelector ? scope.querySelector('[data-exam-remaining]') : null;
    if (!bar || bar.getAttribute('data-exam-ready')) return;
    bar.setAttribute('data-exam-ready', '1');
    var end = Date.now() + parseInt(bar.getAttribute('data-exam-remaining') || '0', 10) * 1000;
    var clock = bar.querySelector('[data-exam-clock]');
    var done = false;
    function pad(n) { return (n < 10 ? '0' : '') + n; }
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (clock) clock.textContent = pad(Math.floor(left / 60)) + ':' + pad(left % 60);
      if (left <= 60) bar.classList.add('exam-bar-late');
      if (left <= 0 && !done) {
        done = true;
        var f = document.getElementById(bar.getAttribute('data-exam-submit'));
        if (f) f.submit();
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  }
  function countAnswered() {
    var out = document.querySelector('[data-exam-answered]');
    if (!out) return;
    var n = 0;
    var qs = document.querySelectorAll('[data-exam-q]');
    for (var i = 0; i < qs.length; i++) {
      var q = qs[i];
      var text = q.querySelector('input.exam-fill');
      if (text ? text.value.trim() !== '' : q.querySelector('input[name="answer"]:checked')) n++;
    }
    out.textContent = String(n);
  }
  document.addEventListener('change', function (evt) {
    if (evt.target && evt.target.closest && evt.target.closest('[data-exam-q]')) countAnswered();
  });
  document.addEventListener('input', function (evt) {
    if (evt.target && evt.target.closest && evt.target.closest('[data-exam-q]')) countAnswered();
  });
  // ------------------------------------------------------------------ 考责 评分
  // A score sheet's points follow the counts as they are typed, the way the server computes
  // them on save: deductions capped at the indicator's maximum, bonuses capped by the
  // standard, a veto marked. The server's figure stays the one that counts.
  function pointsText(t) {
    var a = Math.abs(t), s = (t < 0 ? '-' : '') + Math.floor(a / 10);
    return a % 10 ? s + '.' + (a % 10) : s;
  }
  function rescore(form) {
    var rows = form.querySelectorAll('fieldset.score-row[data-max]');
    var points = 0, bonus = 0, veto = false;
    for (var i = 0; i < rows.length; i++) {
      var max = Number(rows[i].getAttribute('data-max')) || 0;
      var ded = 0, bon = 0, v = false;
      var inputs = rows[i].querySelectorAll('[data-kind]');
      for (var j = 0; j < inputs.length; j++) {
        var el = inputs[j], kind = el.getAttribute('data-kind');
        if (kind === 'veto') { v = v || el.checked; continue; }
        var n = Math.max(0, Math.floor(Number(el.value) || 0));
        var p = (Number(el.getAttribute('data-points')) || 0) * n;
        if (kind === 'deduct') ded += p; else bon += p;
      }
      var row = max - Math.min(ded, max);
      points += row; bonus += bon; veto = veto || v;
      var out = rows[i].querySelector('.row-value');
      if (out) out.textContent = pointsText(row) + (bon > 0 ? '（+' + pointsText(bon) + '）' : '') + (v ? '（否决）' : '');
    }
    var cap = Number(form.getAttribute('data-bonus-cap')) || 0;
    var total = form.querySelector('#sheet-total');
    if (total) total.textContent = pointsText(points + Math.min(bonus, cap)) + (veto ? '（含否决项）' : '');
  }
  function onScoreInput(evt) {
    var form = evt.target && evt.target.closest && evt.target.closest('form.score-sheet[data-bonus-cap]');
    if (form && evt.target.hasAttribute('data-kind')) rescore(form);
  }
  document.addEventListener('input', onScoreInput);
  document.addEventListener('change', onScoreInput);
  // ------------------------------------------------------------------ init
  function init() {
    adoptToasts(document);
    initUnitPickers(document);
    initLeaderChoices(document);
    initHolderChoices(document);
    initExam(document);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
