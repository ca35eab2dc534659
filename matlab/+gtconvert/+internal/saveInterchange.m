function saveInterchange(g, file, matVersion)
%SAVEINTERCHANGE  Write an interchange struct to FILE, atomically.
%   gtconvert.internal.saveInterchange(G, FILE, MATVERSION) saves G as the
%   variable 'gtconvert' with MATVERSION '-v7' (MAT 5 with zlib: read by
%   scipy.io.loadmat, MATLAB and GNU Octave) or '-v7.3' (HDF5, MATLAB
%   only). The file is written to a temporary sibling first and renamed, so
%   that a failed save never leaves half a file behind.
%
%   Example:
%       gtconvert.internal.saveInterchange(g, 'labels.mat', '-v7');

if nargin < 3 || isempty(matVersion)
    matVersion = '-v7';
end
if ~any(strcmp(matVersion, {'-v7', '-v7.3'}))
    error('gtconvert:saveInterchange:badMatVersion', 'MatVersion must be ''-v7'' or ''-v7.3'', not ''%s''.', matVersion);
end
if strcmp(matVersion, '-v7.3') && exist('OCTAVE_VERSION', 'builtin')
    error('gtconvert:saveInterchange:noV73InOctave', 'GNU Octave cannot write MATLAB''s v7.3 files; use ''-v7''.');
end
file = char(file);
folder = fileparts(file);
if ~isempty(folder) && ~exist(folder, 'dir')
    error('gtconvert:saveInterchange:noFolder', 'The output folder "%s" does not exist.', folder);
end
% save() appends '.mat' to names without it, so the temporary name ends in .mat
tmp = [file '.partial.mat'];
content.gtconvert = g;  % the variable's name in the file; a variable of that name would hide the package
try
    save(tmp, '-struct', 'content', matVersion);
    [ok, msg] = movefile(tmp, file, 'f');
    if ~ok
        error('gtconvert:saveInterchange:cannotWrite', 'Cannot write "%s": %s', file, msg);
    end
catch err
    if exist(tmp, 'file')
        delete(tmp);
    end
    rethrow(err);
end
end
