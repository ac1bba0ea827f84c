// The entity graph view (asset page, Graph tab), drawn by Cytoscape.js (a WebJar) on a canvas. The element with
// data-graph names the API's graph address and data-root the entity to start from; selecting an entity fetches its
// neighbours from the API and adds them. The table beside the canvas lists the same relationships as text. No inline
// script: the page carries only data.
(function () {
  var colours = {
    Device: '#1f4e79', Finding: '#c0392b', Vulnerability: '#8b0000', Software: '#1e7b3c', Alert: '#b9770e',
    HostAgent: '#5b2c6f', Ticket: '#6b7380', Account: '#0b5345'
  };
  function label(e) {
    var p = e.properties || {};
    return e['class'] + ': ' + (p.name || p.title || p.cveId || p.machineId || e.key || e.id);
  }
  function start(el) {
    if (!window.cytoscape || el.getAttribute('data-drawn')) {
      return;
    }
    el.setAttribute('data-drawn', 'true');
    var status = document.getElementById('graph-status');
    var cy = window.cytoscape({
      container: el,
      style: [
        { selector: 'node', style: { label: 'data(label)', 'background-color': 'data(colour)', 'font-size': 10,
          color: '#1b1f24', 'text-valign': 'bottom', 'text-margin-y': 4 } },
        { selector: 'edge', style: { label: 'data(label)', 'font-size': 8, width: 1.5, 'line-color': '#98a2b3',
          'target-arrow-shape': 'triangle', 'target-arrow-color': '#98a2b3', 'curve-style': 'bezier' } }
      ]
    });
    el.cy = cy;
    var expanded = {};
    function expand(id) {
      if (expanded[id]) {
        return;
      }
      expanded[id] = true;
      var colon = id.indexOf(':');
      var url = el.getAttribute('data-graph') + '/' + encodeURIComponent(id.substring(0, colon)) + '/'
        + encodeURIComponent(id.substring(colon + 1)) + '?depth=1';
      status.textContent = 'Loading the neighbours of ' + id + '…';
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) {
          if (!r.ok) {
            throw new Error('the server answered ' + r.status);
          }
          return r.json();
        })
        .then(function (g) {
          g.entities.forEach(function (e) {
            if (cy.getElementById(e.id).empty()) {
              cy.add({ group: 'nodes', data: { id: e.id, label: label(e), colour: colours[e['class']] || '#333' } });
            }
          });
          g.relationships.forEach(function (r) {
            var edge = r.from + ' ' + r.verb + ' ' + r.to;
            if (cy.getElementById(edge).empty()) {
              cy.add({ group: 'edges', data: { id: edge, source: r.from, target: r.to, label: r.verb } });
            }
          });
          cy.layout({ name: 'cose', animate: false, padding: 20, idealEdgeLength: function () { return 90; },
            nodeRepulsion: function () { return 600000; } }).run();
          el.setAttribute('data-nodes', String(cy.nodes().length));
          status.textContent = cy.nodes().length + ' entities, ' + cy.edges().length + ' relationships'
            + (g.truncated ? ' (some neighbours left out)' : '') + '. Select an entity to bring in its neighbours.';
        })
        .catch(function (err) {
          expanded[id] = false;
          status.textContent = 'Could not load the neighbours of ' + id + ': ' + err.message;
        });
    }
    cy.on('tap', 'node', function (event) {
      expand(event.target.id());
    });
    expand(el.getAttribute('data-root'));
  }
  function all() {
    document.querySelectorAll('[data-graph]').forEach(start);
  }
  all();
  document.addEventListener('htmx:afterSettle', all);
})();
