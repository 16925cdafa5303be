#!/usr/bin/env python3
"""examples.py script|skips FILE, or all DIR FILE...: the example commands
of the README, or of a man page's EXAMPLES.

The fenced blocks of README.md whose info string is console, sh or
crontab are examples.  In a console block a line "$ CMD" is a command
(with its here-document lines up to the terminator, and the lines after
one ending in a backslash); the other lines are output, except that
"$ echo $?" followed by N says that the command before it exits N.  In an
sh block every line that is not blank or a comment is a command.  A block
that cannot run in a test (as root, systemd, the network, cron entries)
is preceded by the line

    <!-- examples: skip REASON -->

and is counted as skipped with its REASON.  A console line with the root
prompt "# ", or a crontab block, that is not so marked is an error: it
cannot run, and nothing says why.

  script  prints a shell script that runs the commands in order, in one
          shell, each followed by a check of its exit status
          (examples_check STATUS EXPECTED LINE 'CMD'; the script that
          sources it defines examples_check)
  skips   prints LINE<TAB>REASON for each skipped block
  all     writes both, for each FILE, to DIR/NAME.script and DIR/NAME.skips

In a man page (FILE not ending in .md) the examples are the literal
displays (.Bd -literal) of its EXAMPLES section, roff escapes undone; every
line is a command (the lines after one ending in |, &&, || or a backslash
go with it), and a display that cannot run here is preceded by

    .\\" examples: skip REASON
"""

import re
import shlex
import sys

SKIP = re.compile(r'^<!--\s*examples:\s*skip\s+(.*?)\s*-->\s*$')
FENCE = re.compile(r'^```(\S*)\s*$')
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


class Block:
    def __init__(self, kind, line, skip):
        self.kind, self.line, self.skip, self.lines = kind, line, skip, []


def blocks(path):
    """The example blocks of PATH, each with its first line's number."""
    out, cur, skip = [], None, None
    with open(path, encoding='utf-8') as f:
        for n, text in enumerate(f, 1):
            text = text.rstrip('\n')
            m = FENCE.match(text)
            if cur is not None:
                if text == '```':
                    out.append(cur)
                    cur = None
                else:
                    cur.lines.append((n, text))
                continue
            if m:
                kind = m.group(1) if m.group(1) in ('console', 'sh', 'crontab') else 'other'
                cur, skip = Block(kind, n, skip), None
                continue
            m = SKIP.match(text)
            if m:
                skip = m.group(1)
            elif text.strip():
                skip = None
    return [b for b in out if b.kind != 'other']


def commands(block):
    """(line, command text, expected status) of a runnable block."""
    cmds, lines, i = [], block.lines, 0
    while i < len(lines):
        n, text = lines[i]
        i += 1
        if block.kind == 'console':
            if text.startswith('# '):
                raise ValueError('%d: a root command in a block not marked '
                                 '"<!-- examples: skip REASON -->"' % n)
            if not text.startswith('$ '):
                continue
            text = text[2:]
            if text.strip() == 'echo $?':
                status = lines[i][1].strip() if i < len(lines) else ''
                if not cmds or not status.isdigit():
                    raise ValueError('%d: "$ echo $?" with no command before '
                                     'it or no status after it' % n)
                cmds[-1][2] = int(status)
                i += 1
                continue
        elif not text.strip() or text.lstrip().startswith('#'):
            continue
        while text.endswith('\\') and i < len(lines):
            text += '\n' + lines[i][1]
            i += 1
        m = HEREDOC.search(text)
        if m:
            while i < len(lines):
                text += '\n' + lines[i][1]
                i += 1
                if lines[i - 1][1] == m.group(2):
                    break
            else:
                raise ValueError('%d: here-document without its %s line'
                                 % (n, m.group(2)))
        cmds.append([n, text, 0])
    return cmds


MAN_SKIP = re.compile(r'^\.\\"\s*examples:\s*skip\s+(.*?)\s*$')
ROFF = [('\\e', '\\'), ('\\(aq', "'"), ('\\(dq', '"'), ('\\&', ''), ('\\-', '-')]


def man_blocks(path):
    """The literal displays of the EXAMPLES of the man page PATH."""
    out, cur, skip, ex = [], None, None, False
    with open(path, encoding='utf-8') as f:
        for n, text in enumerate(f, 1):
            text = text.rstrip('\n')
            if text.startswith('.Sh '):
                ex = text == '.Sh EXAMPLES'
                continue
            if not ex:
                continue
            if cur is not None:
                if text == '.Ed':
                    out.append(cur)
                    cur = None
                elif not text.startswith('.\\"'):
                    for a, b in ROFF:
                        text = text.replace(a, b)
                    cur.lines.append((n, text))
                continue
            m = MAN_SKIP.match(text)
            if m:
                skip = m.group(1)
            elif text.startswith('.Bd -literal'):
                cur, skip = Block('man', n, skip), None
    return out


def man_commands(block):
    """(line, command, 0) of a display: a line ending in |, &&, || or a
    backslash goes on on the next one."""
    cmds, cont = [], False
    for n, text in block.lines:
        if cont:
            cmds[-1][1] += '\n' + text
        elif text.strip():
            cmds.append([n, text, 0])
        else:
            continue
        cont = re.search(r'(\||&&|\\)\s*$', text) is not None
    return cmds


def run(mode, path, out):
    """Write the script (mode script) or the skips (mode skips) of PATH."""
    if not path.endswith('.md'):
        for b in man_blocks(path):
            if b.skip is not None:
                if mode == 'skips':
                    out.write('%d\t%s\n' % (b.line, b.skip))
            elif mode == 'script':
                for n, text, status in man_commands(b):
                    out.write('%s\nexamples_check $? %d %d %s\n'
                              % (text, status, n, shlex.quote(text)))
        return
    for b in blocks(path):
        if b.skip is not None:
            if mode == 'skips':
                out.write('%d\t%s\n' % (b.line, b.skip))
            continue
        if mode == 'skips':
            continue
        if b.kind == 'crontab':
            raise ValueError('%d: a crontab block not marked '
                             '"<!-- examples: skip REASON -->"' % b.line)
        for n, text, status in commands(b):
            out.write('%s\nexamples_check $? %d %d %s\n'
                      % (text, status, n, shlex.quote(text)))


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] in ('script', 'skips'):
        jobs = [(args[0], args[1], None)]
    elif len(args) >= 3 and args[0] == 'all':
        # all DIR FILE...: DIR/NAME.script and DIR/NAME.skips of each FILE
        # at once (one python start, not two a file).
        jobs = []
        for f in args[2:]:
            base = '%s/%s' % (args[1], f.rsplit('/', 1)[-1])
            jobs += [('script', f, base + '.script'), ('skips', f, base + '.skips')]
    else:
        sys.stderr.write('usage: examples.py script|skips FILE | all DIR FILE...\n')
        return 2
    for mode, path, dest in jobs:
        try:
            if dest is None:
                run(mode, path, sys.stdout)
            else:
                with open(dest, 'w', encoding='utf-8') as out:
                    run(mode, path, out)
        except ValueError as e:
            sys.stderr.write('%s:%s\n' % (path, e))
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
