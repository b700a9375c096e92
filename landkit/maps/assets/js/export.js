// ---- CSV export and print ---------------------------------------------------------------
App.prototype.shortlistTable = function (ks) {
  var self = this, rows = this.compareRows(), header = [this.label('name')].concat(rows.map(function (r) { return r[0]; }));
  var body = ks.map(function (k) { return [self.title(k)].concat(rows.map(function (r) { return r[1](k); })); });
  return [header].concat(body);
};

App.prototype.shortlistCSV = function () {
  return csvText(this.shortlistTable(this.favIndices()));
};

App.prototype.exportCSV = function () {
  var blob = new Blob([this.shortlistCSV()], { type: 'text/csv;charset=utf-8' });
  var a = el('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'shortlist.csv';
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
};

App.prototype.toast = function (text) {
  var t = document.getElementById('lk-toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(this._toastTimer);
  this._toastTimer = setTimeout(function () { t.hidden = true; }, 1800);
};
