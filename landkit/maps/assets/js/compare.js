// ---- compare ----------------------------------------------------------------------------
App.prototype.toggleCompare = function (k) {
  var i = this.cmp.indexOf(k);
  if (i >= 0) this.cmp.splice(i, 1);
  else if (this.cmp.length >= 4) { this.toast(this.S.compare_full); return; }
  else this.cmp.push(k);
  this._updateCompareButton();
  this.renderCards(false);
  if (!document.getElementById('lk-compare').hidden) this.showCompare();
};

App.prototype._updateCompareButton = function () {
  document.getElementById('lk-compare-btn').textContent = this.S.compare + ' (' + this.cmp.length + ')';
};

/* Rows of the compare table and the CSV: [Chinese label, k → text]; every label from the page's labels. */
App.prototype.compareRows = function () {
  var self = this, S = this.S, rows = [];
  if (this.tab !== 'units') rows.push([S.area_label + '(' + S.mu + ')', function (k) { return fmtMu(self.areaMu[k]); }]);
  if (this.cols.asking_price) {
    rows.push([S.price_label + '(' + S.wan + ')', function (k) { var p = self.col('asking_price')[k]; return p === null ? '' : fmt(p); }]);
    rows.push([S.unit_price_label + '(' + S.wan_per_mu + ')', function (k) { return fmt(self.unit[k]); }]);
  }
  if (this.zoneList.length) rows.push([S.zones_label, function (k) { return self.zoneText(k); }]);
  var skip = ['name', 'asking_price', 'area_m2', 'area_mu', 'area_ha'];
  Object.keys(this.cols).forEach(function (f) {
    if (skip.indexOf(f) >= 0) return;
    rows.push([self.label(f), function (k) { return self.valueText(f, k); }]);
  });
  return rows;
};

App.prototype.showCompare = function () {
  var self = this, S = this.S, panel = document.getElementById('lk-compare');
  while (panel.firstChild) panel.removeChild(panel.firstChild);
  var close = el('button', 'lk-btn', S.close);
  close.type = 'button';
  close.addEventListener('click', function () { panel.hidden = true; });
  panel.appendChild(close);
  if (this.cmp.length < 2) {
    panel.appendChild(el('p', null, S.compare_need));
    panel.hidden = false;
    return;
  }
  var table = el('table', 'lk-compare-table'), head = el('tr');
  head.appendChild(el('th', null, ''));
  this.cmp.forEach(function (k) { head.appendChild(el('th', null, self.title(k))); });
  table.appendChild(head);
  this.compareRows().forEach(function (r) {
    var tr = el('tr');
    tr.appendChild(el('th', null, r[0]));
    self.cmp.forEach(function (k) { tr.appendChild(el('td', null, r[1](k))); });
    table.appendChild(tr);
  });
  panel.appendChild(table);
  panel.hidden = false;
};
