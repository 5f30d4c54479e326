// tests/e2e/importmock.mjs - the import/transition API of issue 6, played by
// the test through page.route(), for as long as tc-fcgi does not serve
// /api/imports (see 30-transition.test.mjs).  It follows the contract the
// portal is built against: GET /api/school-year, POST /api/imports,
// GET /api/imports/{id}, .../records, PUT .../decisions, .../summary,
// POST .../apply, POST .../retry, DELETE /api/imports/{id}.

const CATS = { group: ['new', 'existing', 'skip'], student: ['new', 'existing', 'skip'], teacher: ['new', 'existing', 'skip'], leaver: ['archive', 'keep'] };

export function importMock({ failFirst = false } = {}) {
  const st = {
    year: { active: '2026-2027', next: '2027-2028', window: { from: '2027-08-01', to: '2027-10-01' }, can_activate: true, today: '2027-08-20', overdue: false, import: null },
    imp: null,
    polls: 0,
    failFirst,
    applied: 0,
  };
  const recs = [
    { kind: 'group', key: 'G3', category: 'new', display: 'Groep 3', fields: { jaargroep: '3' } },
    { kind: 'group', key: 'G4', category: 'existing', display: 'Groep 4', fields: { jaargroep: '4' }, link: { id: 4, display: 'Groep 4 (2026-2027)' }, changes: [{ field: 'naam', from: 'Groep 4a', to: 'Groep 4' }] },
    { kind: 'group', key: 'G8', category: 'new', display: 'Groep 8b', fields: { jaargroep: '8' } },
    { kind: 'student', key: 'S1', category: 'new', display: 'Sem de Vries', fields: { geboortedatum: '2019-05-02' }, group_keys: ['G3'] },
    { kind: 'student', key: 'S2', category: 'new', display: 'Yara Jansen', fields: { geboortedatum: '2019-01-12' }, group_keys: ['G3'] },
    { kind: 'student', key: 'S3', category: 'existing', display: 'Noah Visser', fields: { geboortedatum: '2018-03-30' }, group_keys: ['G4'], link: { id: 31, display: 'Noah Visser' } },
    { kind: 'student', key: 'S4', category: 'new', display: 'Zoë el Amrani', fields: { geboortedatum: '2014-07-07' }, group_keys: ['G8'] },
    { kind: 'student', key: 'S5', category: 'new', display: 'Daan Smit', fields: { geboortedatum: '2014-11-20' }, group_keys: ['G8'] },
    { kind: 'student', key: 'S6', category: 'new', display: 'Lotte Mulder', fields: { geboortedatum: '2018-09-09' }, group_keys: ['G4'],
      candidates: [{ id: 77, display: 'Lotte Mulder (handmatig ingevoerd)', geboortedatum: '2018-09-09' }, { id: 78, display: 'Lotte Mulders', geboortedatum: '2018-10-01' }],
      warnings: ['Er is een leerling met dezelfde naam en geboortedatum.'] },
    { kind: 'teacher', key: 'T1', category: 'new', display: 'Meester Bram', fields: { email: 'bram@school.example' }, group_keys: ['G8'] },
    { kind: 'leaver', key: '12', category: 'archive', display: 'Fleur Bakker', fields: { geboortedatum: '2013-02-02' } },
  ].map((r) => ({ group_keys: [], link: null, changes: [], candidates: [], warnings: [], ...r }));

  const counts = () => {
    const c = {};
    for (const [k, cats] of Object.entries(CATS)) {
      c[k] = Object.fromEntries(cats.map((x) => [x, 0]));
      for (const r of recs) if (r.kind === k) c[k][r.category] += 1;
    }
    return c;
  };
  const view = () => ({ ...st.imp, counts: counts(), tabs: ['groups', 'students', 'teachers'] });
  const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const err = (route, status, code, message, extra = {}) => json(route, status, { error: { code, message, ...extra }, ...extra });

  async function handle(route) {
    const req = route.request();
    const url = new URL(req.url());
    const p = url.pathname;
    const m = req.method();
    const body = req.postData() ? JSON.parse(req.postData()) : null;
    if (m !== 'GET' && !req.headers()['x-csrf-token']) return err(route, 403, 'csrf', 'De beveiligingscode ontbreekt.');
    if (p === '/api/school-year' && m === 'GET') {
      return json(route, 200, { ...st.year, import: st.imp ? { id: st.imp.id, status: st.imp.status, school_year: st.imp.school_year, started_by: st.imp.started_by } : null });
    }
    if (p === '/api/imports' && m === 'POST') {
      if (st.imp && ['fetching', 'review', 'applying'].includes(st.imp.status)) {
        return err(route, 409, 'import_in_progress', 'Er loopt al een import.', { import: view() });
      }
      st.imp = { id: 7, status: 'fetching', school_year: body.school_year, kind: 'transition', started_by: 'user', progress: { done: 0, total: 4 }, error: null, result: null };
      st.polls = 0;
      return json(route, 202, { import: view() });
    }
    const im = /^\/api\/imports\/(\d+)(\/[a-z]+)?$/.exec(p);
    if (!im || !st.imp || Number(im[1]) !== st.imp.id) return err(route, 404, 'not_found', 'Niet gevonden.');
    const sub = im[2] || '';
    if (sub === '' && m === 'GET') {
      st.polls += 1;
      if (st.imp.status === 'fetching') {
        st.imp.progress = { done: Math.min(4, st.polls), total: 4 };
        if (st.polls >= 4) {
          if (st.failFirst) {
            st.failFirst = false;
            st.imp.status = 'failed';
            st.imp.error = { code: 'las_fault', message: 'Het LAS gaf een foutmelding.', las_message: 'Autorisatie mislukt: onbekende klantcode' };
          } else {
            st.imp.status = 'review';
          }
        }
      } else if (st.imp.status === 'applying') {
        st.imp.status = 'applied';
        st.imp.result = counts();
      }
      return json(route, 200, view());
    }
    if (sub === '' && m === 'DELETE') {
      st.imp.status = 'cancelled';
      return json(route, 200, view());
    }
    if (sub === '/retry' && m === 'POST') {
      st.imp.status = 'fetching';
      st.imp.error = null;
      st.polls = 0;
      return json(route, 202, { import: view() });
    }
    if (sub === '/records' && m === 'GET') {
      const kind = url.searchParams.get('kind');
      const cat = url.searchParams.get('category');
      const q = (url.searchParams.get('q') || '').toLowerCase();
      const items = recs.filter((r) => r.kind === kind && (!cat || r.category === cat) && r.display.toLowerCase().includes(q));
      return json(route, 200, { items, total: items.length });
    }
    if (sub === '/decisions' && m === 'PUT') {
      const cascaded = [];
      for (const d of body.decisions) {
        const r = recs.find((x) => x.kind === d.kind && x.key === d.key);
        if (!r) return err(route, 400, 'invalid', 'Onbekend record.');
        if (r.kind === 'student' && d.category !== 'skip' &&
            r.group_keys.some((g) => recs.find((x) => x.kind === 'group' && x.key === g && x.category === 'skip'))) {
          return err(route, 409, 'group_skipped', 'Deze leerling zit in een groep die niet wordt geïmporteerd.', { keys: [r.key] });
        }
      }
      for (const d of body.decisions) {
        const r = recs.find((x) => x.kind === d.kind && x.key === d.key);
        r.category = d.category;
        if (d.category === 'existing' && d.link_id) {
          const c = r.candidates.find((x) => x.id === d.link_id);
          r.link = { id: d.link_id, display: c ? c.display : `#${d.link_id}` };
        }
        if (r.kind === 'group' && d.category === 'skip') {
          for (const s of recs) {
            if (s.kind === 'student' && s.group_keys.includes(r.key) && s.category !== 'skip') {
              s.category = 'skip';
              cascaded.push({ kind: 'student', key: s.key });
            }
          }
        }
      }
      return json(route, 200, { changed: body.decisions.length, cascaded });
    }
    if (sub === '/summary' && m === 'GET') {
      const c = counts();
      return json(route, 200, { counts: c, leavers_to_archive: c.leaver.archive, warnings: [{ kind: 'student', key: 'S6', message: 'Lotte Mulder: er is een leerling met dezelfde naam en geboortedatum.' }] });
    }
    if (sub === '/apply' && m === 'POST') {
      st.applied += 1;
      if (st.imp.status === 'review') st.imp.status = 'applying';
      return json(route, 202, { import: view() });
    }
    return err(route, 405, 'method_not_allowed', 'Niet toegestaan.');
  }

  return {
    state: st,
    records: recs,
    async install(page) {
      await page.route((u) => u.pathname === '/api/school-year' || u.pathname.startsWith('/api/imports'), handle);
    },
  };
}
