-- expect-exit: 0
-- expect-file: work/out/1/2/3/4/5/6/7/8/9/10/x.txt=ok
-- within: 20
te.fs.write("1/2/3/4/5/6/7/8/9/10/x.txt", "ok")
