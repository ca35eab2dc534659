function tf = hasToolbox()
%HASTOOLBOX  True when groundTruth and the labeling apps are available.
%   TF = gtconvert.internal.hasToolbox() is true in MATLAB with the Computer
%   Vision Toolbox, false elsewhere (e.g. GNU Octave).
%
%   Example:
%       if gtconvert.internal.hasToolbox(), imageLabeler(gTruth); end

tf = ~exist('OCTAVE_VERSION', 'builtin') && exist('groundTruth', 'class') == 8;
end
