function failures = run_all(filePattern)
%RUN_ALL  Run the gtconvert .m tests (GNU Octave or MATLAB).
%   FAILURES = run_all() runs every test_*.m in this folder and returns the
%   number of failed tests; run_all('test_export*') runs a subset. Run from
%   a shell as
%       octave-cli --eval "cd matlab/tests; exit(run_all() > 0)"
%   so that the exit status is non-zero when a test fails.

if nargin < 1
    filePattern = 'test_*';
end
here = fileparts(mfilename('fullpath'));
addpath(here);
addpath(fileparts(here));  % the folder holding +gtconvert
if exist('OCTAVE_VERSION', 'builtin')
    pkg load image  % poly2mask, as in MATLAB's Image Processing Toolbox
end
listing = dir(fullfile(here, [filePattern '.m']));
failures = 0;
for t = 1:numel(listing)
    [~, name] = fileparts(listing(t).name);
    work = tempname();
    mkdir(work);
    try
        feval(name, work);
        fprintf('PASS %s\n', name);
    catch err
        failures = failures + 1;
        fprintf('FAIL %s: %s\n', name, err.message);
        for s = 1:numel(err.stack)
            fprintf('    at %s line %d\n', err.stack(s).name, err.stack(s).line);
        end
    end
    rmdir(work, 's');
end
fprintf('%d tests, %d failed\n', numel(listing), failures);
end
