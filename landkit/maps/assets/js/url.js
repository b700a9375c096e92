// ---- URL hash: the filter state, the favourites shown and the selected parcel --------------
App.prototype.hashString = function () {
  return stateToHash(this.state, this._emptyState(), this.sel >= 0 ? this.keys[this.sel] : null);
};

App.prototype.writeHash = function () {
  if (this._restoring) return;
  var h = this.hashString();
  this._lastHash = h;
  try { history.replaceState(null, '', h ? '#' + h : location.pathname + location.search); }
  catch (err) { location.hash = h; }
};

App.prototype.readHash = function () {
  var asked = '';
  try { asked = new URLSearchParams(location.search).get('demand') || ''; } catch (err) { asked = ''; }
  this._askedDemand = asked;
  if (this._tabs || this.data.unitTab) this.useTab(this.openingTab(location.hash, asked));  // units.js: 厂房 tab
  var parsed = hashToState(location.hash, this._emptyState());
  if (asked && !parsed.state.demand) {
    parsed.state.demand = asked;  // ?demand=ID: an investor's push list, whatever its offer state
    parsed.state.os = [];
  }
  this.state = parsed.state;
  return parsed.sel;
};
