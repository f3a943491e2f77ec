param name string = 'café'
