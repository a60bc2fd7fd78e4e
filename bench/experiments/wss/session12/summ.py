import json, collections, sys
asr = collections.defaultdict(dict)
for l in open(__import__('os').environ.get('SYSREVIEW_BENCH_CACHE', '/tmp/screen-bench.jsonl')):
    r = json.loads(l)
    if r['label'] == 'label_included':
        asr[r['tool']].setdefault(r['dataset'], {})[r['seed']] = r['wss95']
res = collections.defaultdict(dict)
for l in open(__import__('os').environ.get('DIAG_RESULTS', '/tmp/diag/results.jsonl')):
    r = json.loads(l)
    if r['label'] == 'label_included':
        res[r['v']].setdefault(r['set'], {})[r['seed']] = r['wss']
# previous committed bandit numbers from docs (means) for reference
PUBLIC = ["Bannach-Brown_2019","Cohen_2006_ADHD","Jeyaraman_2020","Kitchenham_2010","Meijboom_2021","Nagtegaal_2019"]
names = sys.argv[1].split(',')
sets = sorted(asr['asreview'])
print(f"{'set':34s} {'ASR':>6s} {'lex':>6s} " + " ".join(f"{n[:9]:>9s}" for n in names))
worse = collections.Counter(); tot = collections.defaultdict(lambda: [0,0,0])
for s in sets:
    a = asr['asreview'][s]; am = sum(a.values())/len(a)
    l = asr['sysreview'].get(s, {}); lm = sum(l.values())/len(l) if l else float('nan')
    cells = []
    for n in names:
        v = res[n].get(s, {})
        if len(v) == 3:
            m = sum(v.values())/3; d = m - am
            cells.append(f"{d:+9.1f}")
            if d < -2: worse[n] += 1
            t = tot[(n, s in PUBLIC)]; t[0] += d; t[1] += 1
        else: cells.append(f"{'':>9s}")
    print(f"{s[:34]:34s} {am:6.1f} {lm-am:+6.1f} " + " ".join(cells))
for n in names:
    p = tot[(n, True)]; e = tot[(n, False)]
    print(n, "public Δ", f"{p[0]/max(p[1],1):+.2f} ({p[1]} sets)", "extra Δ", f"{e[0]/max(e[1],1):+.2f} ({e[1]} sets)", "sets < -2:", worse[n])
